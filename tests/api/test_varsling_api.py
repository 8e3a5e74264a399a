"""Issue 14: a user's own channels (``/api/v1/meg/varsling``), the calendar feed and its audit records.

PRIV-4 (settings encrypted with the user's own key), AUD-1 (every read and change logged, each feed fetch as
the token's owner), RP-10 (the feed names no employee: the case's short id and a link), and the webhook
address check (https to a public address only; no requests into the service's own network).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import ics
import pytest
from icalendar import Calendar
from sqlalchemy import select, text

from projections.tabeller import revisjonslogg
from service.store.varsling import subjekt

from .api_hjelp import FNR, ORG1, Miljo, kl, miljo

LEDER = "leder-A"


@pytest.fixture
def m(database_url: str, tmp_path: Path) -> Iterator[Miljo]:
    with miljo(database_url, tmp_path, offentlig_url="https://syfo.example.no") as mm:
        yield mm


@pytest.fixture
def privat(database_url: str, tmp_path: Path) -> Iterator[Miljo]:
    """A test setting that lets webhooks point at loopback (SYFO_WEBHOOK_ALLOW_PRIVATE)."""
    with miljo(database_url, tmp_path, webhook_allow_private=True) as mm:
        yield mm


def _revisjon(m: Miljo, aktor: str) -> list[dict[str, Any]]:
    r = revisjonslogg.c
    m.kjerne.revisjon.flush()  # AUD-1 records are written behind the reads, in batches
    with m.kjerne.engine.connect() as conn:
        q = select(r.visning, r.rolle, r.case_id, r.grunnlag).where(r.aktor_id == aktor).order_by(r.id)
        return [dict(x) for x in conn.execute(q).mappings()]


def test_a_user_sets_email_and_webhook_and_the_secret_is_shown_once(privat: Miljo) -> None:
    h = privat.hoder(LEDER, "NL")
    assert privat.klient.get("/api/v1/meg/varsling", headers=h).json()["epost"] is None

    r = privat.klient.put(
        "/api/v1/meg/varsling", json={"epost": "kari@example.com", "webhook_url": "http://127.0.0.1:9/x"}, headers=h
    )

    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    secret = r.json()["webhook_secret"]
    assert secret.startswith("whsec_")  # Standard Webhooks format
    hentet = privat.klient.get("/api/v1/meg/varsling", headers=h).json()
    assert hentet["epost"] == "kari@example.com"
    assert hentet["webhook_url"] == "http://127.0.0.1:9/x"
    assert hentet.get("webhook_secret") is None  # shown once
    igjen = privat.klient.put(
        "/api/v1/meg/varsling", json={"epost": "kari@example.com", "webhook_url": "http://127.0.0.1:9/x"}, headers=h
    )
    assert igjen.json()["webhook_secret"] is None  # same URL: the same secret, not shown again
    # AUD-1 style: every read and change is logged as the user.
    assert [x["visning"] for x in _revisjon(privat, LEDER)] == [
        "varsling:les",
        "varsling:endre",
        "varsling:les",
        "varsling:endre",
    ]


def test_settings_are_stored_encrypted_with_a_key_of_the_user(privat: Miljo) -> None:
    """PRIV-4: no clear-text address in the settings row; a data key of the user's own subject."""
    h = privat.hoder(LEDER, "NL")
    privat.klient.put("/api/v1/meg/varsling", json={"epost": "hemmelig.adresse@example.com"}, headers=h)
    with privat.kjerne.engine.connect() as conn:
        rader = [tuple(r) for r in conn.execute(text("SELECT * FROM varslingsinnstillinger"))]
        nokler = conn.execute(
            text("SELECT count(*) FROM datanokler WHERE subjekt = :s AND innpakket IS NOT NULL"),
            {"s": str(subjekt(LEDER))},
        ).scalar()
    assert len(rader) == 1
    assert "hemmelig.adresse" not in repr(rader)
    assert nokler == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://syfo-mottak.example.com/hook",  # not https
        "https://127.0.0.1/hook",  # loopback
        "https://[::1]/hook",
        "https://10.1.2.3/hook",  # private
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://224.0.0.1/hook",  # multicast
        "https://localhost/hook",  # resolves to loopback
        "ftp://93.184.216.34/hook",
    ],
)
def test_a_webhook_into_a_private_network_is_refused(m: Miljo, url: str) -> None:
    r = m.klient.put("/api/v1/meg/varsling", json={"webhook_url": url}, headers=m.hoder(LEDER, "NL"))

    assert r.status_code == 422, r.text
    assert r.json()["field"] == "webhook_url"
    assert m.klient.get("/api/v1/meg/varsling", headers=m.hoder(LEDER, "NL")).json()["webhook_url"] is None


def test_a_webhook_to_a_public_https_address_is_taken(m: Miljo) -> None:
    r = m.klient.put(
        "/api/v1/meg/varsling", json={"webhook_url": "https://93.184.216.34/hook"}, headers=m.hoder(LEDER, "NL")
    )
    assert r.status_code == 200, r.text


def test_a_bad_email_address_is_refused_naming_the_field(m: Miljo) -> None:
    r = m.klient.put("/api/v1/meg/varsling", json={"epost": "ikke en adresse"}, headers=m.hoder(LEDER, "NL"))
    assert r.status_code == 422
    assert r.json()["field"] == "epost"


def test_without_a_token_the_settings_are_not_shown(m: Miljo) -> None:
    assert m.klient.get("/api/v1/meg/varsling").status_code == 401


def _historie(m: Miljo) -> str:
    nl = {"type": "narmeste_leder", "fnr": FNR, "fom": "2025-01-01", "orgnr": ORG1, "leder_id": LEDER}
    m.lagre(nl | {"leder_navn": "Kari Leder", "at": kl(date(2025, 1, 6), "07:30")})
    s = m.lagre(
        {
            "type": "sykmelding",
            "id": "SM1",
            "fnr": FNR,
            "orgnr": ORG1,
            "perioder": [{"fom": "2025-01-06", "tom": "2025-04-28", "grad": 100}],
            "at": kl(date(2025, 1, 6), "07:45"),
        }
    )
    m.lagre(
        {
            "type": "dialogmote_innkalt",
            "fnr": FNR,
            "orgnr": ORG1,
            "id": "M1",
            "mote": 1,
            "tidspunkt": "2025-03-12T10:00:00+01:00",
            "deltakere": [{"rolle": "NL", "id": LEDER}, {"rolle": "AT", "id": FNR}],
            "at": kl(date(2025, 2, 27)),
        }
    )
    return str(s["case_id"])


def _feed(m: Miljo, url: str) -> Any:
    sti = url.removeprefix("https://syfo.example.no")
    m.kjerne.oppdaterer.fang_opp()
    return m.klient.get(sti)


def test_the_calendar_feed_lists_deadlines_and_meetings_without_names(m: Miljo) -> None:
    case_id = _historie(m)
    r = m.klient.post("/api/v1/meg/varsling/kalender", headers=m.hoder(LEDER, "NL"))
    assert r.status_code == 200, r.text
    url = r.json()["kalender_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert url.startswith("https://syfo.example.no/kalender/")
    assert len(token) >= 22  # at least 128 random bits, base64url

    svar = _feed(m, url)

    assert svar.status_code == 200
    assert svar.headers["content-type"].startswith("text/calendar")
    kal = Calendar.from_ical(svar.content)
    hendelser = kal.walk("VEVENT")
    assert hendelser
    moter = [e for e in hendelser if str(e["summary"]).startswith("Dialogmøte")]
    assert len(moter) == 1
    assert moter[0].decoded("dtstart").isoformat() == "2025-03-12T09:00:00+00:00"
    for e in hendelser:
        tekst = f"{e['summary']} {e['description']}"
        assert case_id[:8] in tekst
        assert f"https://syfo.example.no/saker/{case_id}" in tekst
    innhold = svar.content.decode()
    assert "Kari" not in innhold
    assert FNR not in innhold
    assert "sykmelding" not in innhold.lower()
    # A second client library reads the same feed.
    andre = ics.Calendar(svar.text)
    assert {e.uid for e in andre.events} == {str(e["uid"]) for e in hendelser}
    # The fetch is logged as the token's owner, per case shown.
    hent = [x for x in _revisjon(m, LEDER) if x["visning"] == "kalender:hent"]
    assert hent == [{"visning": "kalender:hent", "rolle": "NL", "case_id": case_id, "grunnlag": "RP-10"}]


def test_a_changed_meeting_keeps_its_uid_with_a_higher_sequence_and_a_cancelled_one_is_cancelled(m: Miljo) -> None:
    _historie(m)
    url = m.klient.post("/api/v1/meg/varsling/kalender", headers=m.hoder(LEDER, "NL")).json()["kalender_url"]
    for_ = {str(e["uid"]): e for e in Calendar.from_ical(_feed(m, url).content).walk("VEVENT")}
    m.lagre(
        {
            "type": "dialogmote_avlyst",
            "id": "M1",
            "at": kl(date(2025, 3, 3)),
        }
    )

    etter = {str(e["uid"]): e for e in Calendar.from_ical(_feed(m, url).content).walk("VEVENT")}

    assert set(etter) == set(for_)  # stable UIDs
    mote = next(u for u in etter if u.startswith("mote-"))
    assert str(etter[mote]["status"]) == "CANCELLED"
    assert int(etter[mote]["sequence"]) > int(for_[mote]["sequence"])
    andre = ics.Calendar(_feed(m, url).text)
    assert any(e.uid == mote and e.status == "CANCELLED" for e in andre.events)


def test_rotating_the_calendar_token_kills_the_old_url_at_once(m: Miljo) -> None:
    _historie(m)
    h = m.hoder(LEDER, "NL")
    gammel = m.klient.post("/api/v1/meg/varsling/kalender", headers=h).json()["kalender_url"]
    assert _feed(m, gammel).status_code == 200

    ny = m.klient.post("/api/v1/meg/varsling/kalender", headers=h).json()["kalender_url"]

    assert ny != gammel
    assert _feed(m, gammel).status_code == 404
    assert _feed(m, ny).status_code == 200
    assert m.klient.get("/api/v1/meg/varsling", headers=h).json()["kalender_aktiv"] is True
    with m.kjerne.engine.connect() as conn:  # only a hash of the token is stored
        rad = conn.execute(text("SELECT kalender_hash FROM varslingsinnstillinger")).scalar()
    assert rad is not None
    assert ny.rsplit("/", 1)[1].removesuffix(".ics") not in rad


def test_an_unknown_calendar_token_is_404(m: Miljo) -> None:
    assert m.klient.get("/kalender/" + "A" * 43 + ".ics").status_code == 404
