// Progressive enhancement only: every page works without this file.
// The auditor's page (rules.md T-7): "Forrige/Neste hendelse", the event numbers and the slider fetch the
// next view and swap it in place, so focus stays where it was. The slider applies when it is let go:
// on pointer release, or after the arrow keys have rested; each key press only updates the label.
(function () {
  "use strict";
  var visning = document.getElementById("revisjon-visning");
  if (!visning || !window.fetch || !window.DOMParser) {
    return;
  }
  var glider = document.getElementById("as-of-glider");
  var tekst = document.getElementById("as-of-glider-tekst");
  var BYTT = ["revisjon-visning", "steg"];
  var venter = null;

  function hent(url, fokusId) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (svar) {
        if (!svar.ok || svar.redirected) {
          window.location.href = url;
          return null;
        }
        return svar.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var ny = new DOMParser().parseFromString(html, "text/html");
        BYTT.forEach(function (id) {
          var gammel = document.getElementById(id);
          var erstatning = ny.getElementById(id);
          if (gammel && erstatning) {
            gammel.innerHTML = erstatning.innerHTML;
          }
        });
        var nyGlider = ny.getElementById("as-of-glider");
        if (glider && nyGlider) {
          glider.value = nyGlider.value;
          tekst.textContent = ny.getElementById("as-of-glider-tekst").textContent;
        }
        var asOf = document.getElementById("as-of");
        var nyAsOf = ny.getElementById("as-of");
        if (asOf && nyAsOf) {
          asOf.value = nyAsOf.value;
        }
        window.history.replaceState(null, "", url);
        if (fokusId) {
          var mal = document.getElementById(fokusId);
          if (mal) {
            mal.focus();
          }
        }
        document.body.setAttribute("data-revisjon-lastet", url);
      });
  }

  document.addEventListener("click", function (e) {
    var lenke = e.target.closest ? e.target.closest("a[data-revisjon]") : null;
    if (!lenke || e.ctrlKey || e.metaKey || e.shiftKey) {
      return;
    }
    e.preventDefault();
    hent(lenke.href, lenke.id || null);
  });

  document.addEventListener("submit", function (e) {
    var skjema = e.target;
    if (!skjema.closest || !skjema.closest("main") || skjema.method.toLowerCase() !== "get") {
      return;
    }
    e.preventDefault();
    var url = skjema.action + "?" + new URLSearchParams(new FormData(skjema)).toString();
    hent(url, null);
  });

  if (!glider) {
    return;
  }
  var tastatur = false;
  function oppdater() {
    tekst.textContent = glider.value + " av " + glider.max + " hendelser kjent";
  }
  function bruk() {
    if (venter) {
      window.clearTimeout(venter);
      venter = null;
    }
    var skjema = glider.form;
    var url = skjema.action + "?" + new URLSearchParams(new FormData(skjema)).toString();
    hent(url, null);
  }
  glider.addEventListener("input", oppdater);
  glider.addEventListener("pointerdown", function () {
    tastatur = false;
  });
  glider.addEventListener("keydown", function (e) {
    tastatur = true;
    if (e.key === "Enter") {
      e.preventDefault();
      bruk();
    }
  });
  glider.addEventListener("change", function () {
    if (!tastatur) {
      bruk();  // let go with the pointer
    }
  });
  glider.addEventListener("keyup", function () {
    if (venter) {
      window.clearTimeout(venter);
    }
    venter = window.setTimeout(bruk, 700);  // the keys have rested: apply once
  });
  glider.addEventListener("blur", function () {
    if (venter) {
      bruk();
    }
  });
})();

// On a narrow screen the timeline picture scrolls sideways: start with "today" in view.
(function () {
  "use strict";
  var linjer = document.querySelectorAll(".tidslinje .rull svg .idag line");
  Array.prototype.forEach.call(linjer, function (linje) {
    var svg = linje.ownerSVGElement;
    var rull = svg.parentNode;
    if (rull.scrollWidth <= rull.clientWidth) {
      return;
    }
    var x = parseFloat(linje.getAttribute("x1")) / svg.viewBox.baseVal.width * svg.clientWidth;
    rull.scrollLeft = Math.max(0, x - rull.clientWidth * 0.6);
  });
})();
