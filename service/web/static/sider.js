// Progressive enhancement only: every page works without this file.
// The auditor's slider: moving it sets the "known at" field to the recorded time of that event,
// and letting go shows the case as known then (rules.md T-7).
(function () {
  "use strict";
  var glider = document.getElementById("as-of-glider");
  var felt = document.getElementById("as-of");
  var tekst = document.getElementById("as-of-glider-tekst");
  if (!glider || !felt) {
    return;
  }
  var tider = (glider.getAttribute("data-tider") || "").split(",").filter(Boolean);
  function oppdater() {
    var nr = parseInt(glider.value, 10);
    var tid = tider[nr - 1];
    if (tid) {
      felt.value = tid;
    }
    if (tekst) {
      tekst.textContent = nr + " av " + tider.length + " hendelser kjent";
    }
  }
  glider.addEventListener("input", oppdater);
  glider.addEventListener("change", function () {
    oppdater();
    glider.form.submit();
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
