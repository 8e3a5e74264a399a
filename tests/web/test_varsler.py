"""The page ``/varsler`` (issue 14): reminders in plain bokmål, names under PRIV-4, read marks per user.

The reminders are decisions recorded on the demo cases (RP-11) as the slot job records them; the
page reads them from the reminders table like the inbox API (RP-9, ACC-5).
"""

from __future__ import annotations

import re
from datetime import datetime, time

from sqlalchemy import func, select

from domain.kalender import OSLO
from domain.paminnelser import SENDT, Beslutning, Trinn
from projections.tabeller import milepeler, revisjonslogg, varsler_lest
from service.devtools.demodata import ANNEN_LEDER, LEDER

from .web_hjelp import IDAG, P1, P5, Web

NAVN = "Kari Nordmann"
SLOT = datetime.combine(IDAG, time(8), OSLO)


def _send(w: Web, ansatt: object, mottaker: str, regel: str = "RM-2", milepel: str = "oppfolgingsplan") -> str:
    """Record a sent decision for the ansatt's case addressed to ``mottaker`` (NL)."""
    case_id = w.sak(ansatt)  # type: ignore[arg-type]
    app = w.kjerne.app
    person = app.person(app.person_for_fnr(ansatt.fnr))  # type: ignore[attr-defined]
    t = Trinn(regel, case_id, case_id, milepel, "before", "NL", IDAG, ekstra=mottaker)
    person.registrer([Beslutning(t, SLOT, mottaker, SENDT)])
    app.save(person)
    w.kjerne.oppdaterer.fang_opp()
    return case_id


def _navngi(w: Web, ansatt: object) -> None:
    app = w.kjerne.app
    app.behandle(app.les({"type": "person", "fnr": ansatt.fnr, "navn": NAVN, "at": "2026-11-01T09:00:00+01:00"}))  # type: ignore[attr-defined]
    w.kjerne.oppdaterer.fang_opp()


def _frist(w: Web, case_id: str, kind: str) -> object:
    with w.kjerne.engine.connect() as conn:
        return conn.execute(
            select(milepeler.c.due).where(milepeler.c.case_id == case_id, milepeler.c.kind == kind)
        ).scalar_one()


def _uleste_i_toppen(html: str) -> int:
    m = re.search(r'id="varsler-lenke">Varsler(?: <span class="teller">(\d+))?', html)
    assert m is not None, "no Varsler link in the header"
    return int(m.group(1) or 0)


def test_the_page_says_in_bokmal_whose_task_it_is_when_and_how_long_is_left(ny: Web) -> None:
    _navngi(ny, P1)
    case_id = _send(ny, P1, LEDER)
    frist = _frist(ny, case_id, "oppfolgingsplan")
    ny.logg_inn(LEDER, "NL")

    side = ny.klient.get("/varsler")

    assert side.status_code == 200
    dager = (frist - IDAG).days  # type: ignore[operator]
    from service.web.varselside import igjen, kort_dato

    forventet = f"Oppfølgingsplan for {NAVN}: frist {kort_dato(frist, IDAG)}, {igjen(frist, IDAG)}"  # type: ignore[arg-type]
    assert forventet in side.text
    if dager < 0:
        assert f"fristen gikk ut for {-dager} dager siden" in forventet
    assert f'href="/saker/{case_id}"' in side.text
    # Rule ids only in the fold-out
    synlig, detaljer = side.text.split("<details>", 1)
    assert "RM-2" not in synlig.split('id="varsler"', 1)[1]
    assert "RM-2" in detaljer
    assert 'href="/varslingsinnstillinger"' in side.text
    assert P1.fnr not in side.text
    ny.kjerne.revisjon.flush()  # AUD-1 records are written behind the reads, in batches
    with ny.kjerne.engine.connect() as conn:
        vist = conn.execute(select(func.count()).where(revisjonslogg.c.visning == "varsler")).scalar_one()
    assert vist == len(set(re.findall(r"href=\"/saker/([^\"]+)\"", side.text))), (
        side.text
    )  # AUD-1: one record per case shown


def test_a_name_is_shown_only_to_someone_who_may_read_the_case(ny: Web) -> None:
    """PRIV-4: LEDER gets a reminder about P5's case, which only ANNEN_LEDER may read (ACC-2)."""
    _navngi(ny, P5)
    _send(ny, P5, LEDER)
    _send(ny, P5, ANNEN_LEDER)

    ny.logg_inn(LEDER, "NL")
    fremmed = ny.klient.get("/varsler").text
    ny.logg_inn(ANNEN_LEDER, "NL")
    egen = ny.klient.get("/varsler").text

    assert NAVN not in fremmed
    assert "Oppfølgingsplan for en sykmeldt: frist" in fremmed
    assert f"Oppfølgingsplan for {NAVN}: frist" in egen, re.findall(
        r"<p>(?:<strong>Ulest: </strong>)?([^<]*frist[^<]*)</p>", egen
    )


def test_marking_read_is_per_user_and_the_header_counts_the_unread(ny: Web) -> None:
    ny.logg_inn(ANNEN_LEDER, "NL")
    for_annen = _uleste_i_toppen(ny.klient.get("/varsler").text)  # the demo's own sent reminders
    ny.logg_inn(LEDER, "NL")
    for_leder = _uleste_i_toppen(ny.klient.get("/varsler").text)
    _send(ny, P1, LEDER)
    _send(ny, P1, LEDER, regel="DM1-2", milepel="dialogmote_1")
    _send(ny, P5, ANNEN_LEDER)

    side = ny.klient.get("/varsler")
    assert _uleste_i_toppen(side.text) == for_leder + 2
    assert _uleste_i_toppen(ny.klient.get("/mine-sykmeldte").text) == for_leder + 2
    forste = re.findall(r'data-id="([^"]+)"', side.text)[0]

    svar = ny.klient.post("/varsler/lest", data={"csrf": ny.csrf(side.text), "id": forste}, follow_redirects=False)
    assert svar.status_code == 303
    etter = ny.klient.get("/varsler").text
    assert _uleste_i_toppen(etter) == for_leder + 1
    assert re.search(rf'class="kort varsel lest" data-id="{re.escape(forste)}"', etter)

    # Another user's reminder id is not this user's to mark (and their count is untouched).
    with ny.kjerne.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(varsler_lest)).scalar_one() == 1
    ny.logg_inn(ANNEN_LEDER, "NL")
    annen = ny.klient.get("/varsler").text
    assert _uleste_i_toppen(annen) == for_annen + 1
    ny.klient.post("/varsler/lest", data={"csrf": ny.csrf(annen), "id": forste})
    assert _uleste_i_toppen(ny.klient.get("/varsler").text) == for_annen + 1

    ny.logg_inn(LEDER, "NL")
    side = ny.klient.get("/varsler")
    ny.klient.post("/varsler/lest", data={"csrf": ny.csrf(side.text), "alle": "1"})
    assert _uleste_i_toppen(ny.klient.get("/varsler").text) == 0


def test_marking_read_needs_the_form_token(ny: Web) -> None:
    _send(ny, P1, LEDER)
    ny.logg_inn(LEDER, "NL")
    for_ = _uleste_i_toppen(ny.klient.get("/varsler").text)

    svar = ny.klient.post("/varsler/lest", data={"csrf": "0" * 40, "alle": "1"}, follow_redirects=False)

    assert svar.status_code == 403
    assert for_ >= 1
    assert _uleste_i_toppen(ny.klient.get("/varsler").text) == for_


def test_every_logged_in_role_has_the_page_and_a_visitor_is_sent_to_login(ny: Web) -> None:
    assert ny.klient.get("/varsler", follow_redirects=False).status_code == 303
    ny.logg_inn("revisor-1", "AUDITOR")
    side = ny.klient.get("/varsler")
    assert side.status_code == 200
    assert "Du har ingen varsler." in side.text


def test_every_reminder_stage_has_a_bokmal_name() -> None:
    """scenarios.md's stages; an English stage word must never reach the page."""
    from service.web.varselside import STEGNAVN

    assert {"before", "overdue", "escalation", "info", "meeting", "task", "prompt"} <= set(STEGNAVN)


def test_an_erasure_removes_the_read_marks_on_the_persons_reminders(ny: Web) -> None:
    """RET-3: nothing of an erased person is left beside the stream, the readers' marks included."""
    from service.compliance.erasure import slett_fnr

    _send(ny, P1, LEDER)
    _send(ny, P5, ANNEN_LEDER)
    ny.logg_inn(LEDER, "NL")
    side = ny.klient.get("/varsler").text
    for id_ in re.findall(r'data-id="([^"]+)"', side):
        ny.klient.post("/varsler/lest", data={"csrf": ny.csrf(side), "id": id_})
    ny.logg_inn(ANNEN_LEDER, "NL")
    side = ny.klient.get("/varsler").text
    for id_ in re.findall(r'data-id="([^"]+)"', side):
        ny.klient.post("/varsler/lest", data={"csrf": ny.csrf(side), "id": id_})
    app = ny.kjerne.app
    p1, p5 = str(app.person_for_fnr(P1.fnr)), str(app.person_for_fnr(P5.fnr))

    def merker() -> dict[str, int]:
        with ny.kjerne.engine.connect() as conn:
            rader = conn.execute(select(varsler_lest.c.person_id, func.count()).group_by(varsler_lest.c.person_id))
            return {str(pid): int(n) for pid, n in rader}

    assert merker().get(p1, 0) > 0
    assert merker().get(p5, 0) > 0

    slett_fnr(ny.kjerne, P1.fnr)

    assert p1 not in merker()
    assert merker().get(p5, 0) > 0  # another person's marks stay
