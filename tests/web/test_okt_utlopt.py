"""Dead ends closed: an expired session says so and returns to the same page; a newcomer in demo mode goes from
``/`` to the demo login; counts agree in number; no rule ids on the pages outside a "Detaljer" fold-out."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from service.devtools import demodata
from service.web.maler import antall
from service.web.okt import COOKIE

from .web_hjelp import P4, Web

REGEL = re.compile(r"\b(ACC|AUD|RM|VAL|T|MS|OP|PRIV)-\d+\b")


def _utenfor_detaljer(html: str) -> str:
    uten = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    return re.sub(r"<code.*?</code>|<script.*?</script>|<title>.*?</title>", "", uten, flags=re.S)


def test_an_expired_session_says_so_and_returns_to_the_same_page_after_login(demo: Web) -> None:
    demo.klient.cookies.clear()
    demo.klient.cookies.set(COOKIE, "en-okt-som-er-utlopt")

    r = demo.klient.get("/oversikt?status=overdue", follow_redirects=False)

    assert r.status_code == 303
    ut = urlsplit(r.headers["location"])
    assert ut.path == "/logg-inn"
    assert parse_qs(ut.query) == {"neste": ["/oversikt?status=overdue"], "utlopt": ["1"]}
    skjema = demo.klient.get(r.headers["location"]).text
    assert "Økten din er utløpt" in skjema
    assert 'name="neste" value="/oversikt?status=overdue"' in skjema
    inn = demo.post_innlogging({"token": demo.token("NAV", "NAV"), "neste": "/oversikt?status=overdue"})
    assert inn.headers["location"] == "/oversikt?status=overdue"


def test_a_form_sent_with_an_expired_session_returns_to_the_page_it_was_sent_from(demo: Web) -> None:
    demo.klient.cookies.clear()
    demo.klient.cookies.set(COOKIE, "en-okt-som-er-utlopt")
    fra = "https://127.0.0.1/mine-sykmeldte?virksomhet=1"

    r = demo.klient.post(
        f"/mine-sykmeldte/{demo.sak(P4)}/hendelser",
        data={"type": "x"},
        headers={"Referer": fra},
        follow_redirects=False,
    )

    assert r.status_code == 303
    assert parse_qs(urlsplit(r.headers["location"]).query) == {
        "neste": ["/mine-sykmeldte?virksomhet=1"],
        "utlopt": ["1"],
    }


def test_a_referer_from_another_site_is_not_followed(demo: Web) -> None:
    demo.klient.cookies.clear()
    demo.klient.cookies.set(COOKIE, "utlopt")

    r = demo.klient.post(
        f"/mine-sykmeldte/{demo.sak(P4)}/hendelser",
        data={"type": "x"},
        headers={"Referer": "https://angriper.example/mine-sykmeldte"},
        follow_redirects=False,
    )

    assert parse_qs(urlsplit(r.headers["location"]).query)["neste"] == ["/"]


def test_in_demo_mode_a_newcomer_at_the_front_page_goes_to_the_demo_login(demo: Web) -> None:
    demo.klient.cookies.clear()

    r = demo.klient.get("/", follow_redirects=False)

    assert (r.status_code, r.headers["location"]) == (303, "/demo-innlogging")


def test_counts_agree_in_number() -> None:
    assert antall(1, "åpen sak", "åpne saker") == "1 åpen sak"
    assert antall(2, "åpen sak", "åpne saker") == "2 åpne saker"
    assert antall(0, "sak", "saker") == "0 saker"


def test_the_demo_login_lists_leaders_with_counts_in_the_right_number(demo: Web) -> None:
    demo.klient.cookies.clear()

    html = demo.klient.get("/demo-innlogging").text

    assert "1 åpne saker" not in html
    assert re.search(r"\(\d+ åpne saker\)|\(1 åpen sak\)", html)


def test_the_auditor_login_and_error_pages_carry_no_rule_ids_outside_the_details(demo: Web) -> None:
    demo.klient.cookies.clear()
    sider = [demo.klient.get("/logg-inn").text, demo.klient.get("/demo-innlogging").text]
    demo.logg_inn(demodata.REVISOR, "AUDITOR")
    sider += [
        demo.klient.get(f"/revisjon/saker/{demo.sak(P4)}?versjon=3&fra=1&til=3").text,
        demo.klient.get("/finnes-ikke", headers={"Accept": "text/html"}).text,
    ]

    for html in sider:
        assert REGEL.findall(_utenfor_detaljer(html)) == []


def test_with_ci_true_a_missing_chromium_fails_the_browser_tests_instead_of_skipping() -> None:
    from .conftest import chromium_er_pakrevd

    grunn = chromium_er_pakrevd({"CI": "true"}, "/finnes/ikke/chromium")

    assert grunn is not None
    assert "CI=true" in grunn
    assert chromium_er_pakrevd({}, "/finnes/ikke/chromium") is None  # locally: skipped, as before
    assert chromium_er_pakrevd({"CI": "true"}, __file__) is None  # present: runs
