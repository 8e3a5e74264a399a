"""Words of the leader's pages and the timeline's week ruler: pure helpers, fixed dates, no database.

Rules: MS-7 (``late``), DM1-5 (called meetings), ACC-3 (maksdato only for the roles that see it).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.kalender import OSLO
from service.web import tidslinjedata as data
from service.web.fristord import ansattnavn, dager, frist_i_ord, merke
from service.web.handlinger import Skjemafeil, bygg_kommandoer
from service.web.lederliste import aktive_moter, med_ord
from service.web.tidslinjebilde import BREDDE, LOVENS_UKER, TEGN_PX, tegn, ukelinjal, vindu

IDAG = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("n", "tekst"), [(0, "0 dager"), (1, "1 dag"), (2, "2 dager"), (13, "13 dager"), (-1, "-1 dag")]
)
def test_days_agree_in_number(n: int, tekst: str) -> None:
    assert dager(n) == tekst


@pytest.mark.parametrize(
    ("due", "tekst"),
    [
        (IDAG + timedelta(days=7), "7 dager igjen"),
        (IDAG + timedelta(days=1), "1 dag igjen"),
        (IDAG, "Frist i dag"),
        (IDAG - timedelta(days=1), "1 dag på overtid"),
        (IDAG - timedelta(days=3), "3 dager på overtid"),
    ],
)
def test_days_left_and_days_overdue_in_words(due: date, tekst: str) -> None:
    assert frist_i_ord(due, IDAG) == tekst


def test_a_duty_met_late_is_its_own_badge_and_one_met_on_time_stays_green() -> None:
    due = date(2026, 11, 19)
    sen = {"kind": "oppfolgingsplan", "due": due, "status": "met", "met_on": due + timedelta(days=13), "late": True}
    i_tide = sen | {"met_on": due, "late": False}

    assert merke(sen, "met") == ("late", "Oppfylt 13 dager for sent")  # MS-7
    assert merke(sen | {"met_on": due + timedelta(days=1)}, "met") == ("late", "Oppfylt 1 dag for sent")
    assert merke(i_tide, "met") == ("met", None)
    assert med_ord(sen, IDAG)["farge"] == "late"
    assert med_ord(sen, IDAG)["igjen"] is None  # a met duty has no days left
    assert med_ord({"kind": "dialogmote_1", "due": IDAG + timedelta(days=9), "status": "pending"}, IDAG)["igjen"] == (
        "9 dager igjen"
    )


def test_the_timeline_pin_of_a_late_duty_is_the_late_status() -> None:
    due = date(2026, 11, 19)
    m = {"kind": "oppfolgingsplan", "due": due, "status": "met", "met_on": due + timedelta(days=13), "late": True}
    (pin,) = data.frister([m], IDAG)
    assert pin.stil == "late"
    assert "oppfylt for sent" in pin.beskrivelse


def test_the_name_comes_from_the_column_when_there_is_one_else_from_the_latest_person_command() -> None:
    rader = [
        {"hendelse": "person", "data": {"fnr": "x", "navn": "Kari Nordmann"}},
        {"hendelse": "sykmelding", "data": {}},
        {"hendelse": "person", "data": {"fnr": "x", "navn": "Kari Nordmann Berg"}},
    ]
    assert ansattnavn({}, rader) == "Kari Nordmann Berg"
    assert ansattnavn({"navn": "Fra kolonnen"}, rader) == "Fra kolonnen"
    assert ansattnavn({}, rader[1:2]) is None


def _innkalt(mid: str, tid: str, case_id: str = "sak") -> dict[str, object]:
    return {"hendelse": "dialogmote_innkalt", "case_id": case_id, "data": {"id": mid, "mote": 1, "tidspunkt": tid}}


def test_called_meetings_carry_their_time_and_may_be_held_only_once_it_has_come() -> None:
    naa = datetime(2026, 12, 1, 12, 0, tzinfo=OSLO)
    rader = [
        _innkalt("a", "2026-12-01T10:00:00+01:00"),
        _innkalt("b", "2026-12-01T14:00:00+01:00"),
        _innkalt("c", "2026-12-03T09:00:00+01:00"),
        {"hendelse": "dialogmote_avlyst", "case_id": "sak", "data": {"id": "c"}},
        _innkalt("d", "2026-12-04T09:00:00+01:00", case_id="annen"),
    ]
    moter = aktive_moter(rader, "sak", naa)
    assert [(m.id, m.passert) for m in moter] == [("a", True), ("b", False)]  # DM1-5: "c" was cancelled
    assert moter[1].tidspunkt == datetime(2026, 12, 1, 14, 0, tzinfo=OSLO)


def test_moving_a_meeting_is_a_new_call_with_a_new_id_and_the_old_one_cancelled() -> None:
    skjema = {"type": "dialogmote_flyttet", "id": "web-00000000000000aa", "ny_id": "web-00000000000000bb"}
    skjema["tidspunkt"] = "2026-12-04T13:30"
    ny, avlyst = bygg_kommandoer(skjema, "sak", "leder-1", "12345678901")

    assert ny["type"] == "dialogmote_innkalt"
    assert ny["id"] == "web-00000000000000bb"
    assert ny["tidspunkt"] == "2026-12-04T13:30:00+01:00"
    assert avlyst == {"type": "dialogmote_avlyst", "id": "web-00000000000000aa"}
    with pytest.raises(Skjemafeil):
        bygg_kommandoer(skjema | {"ny_id": "web-00000000000000aa'"}, "sak", "leder-1", "12345678901")


def test_the_ruler_counts_weeks_from_the_first_sick_day_and_marks_the_laws_weeks() -> None:
    start = date(2026, 1, 5)

    def x(d: date) -> float:
        return float((d - start).days)  # one px a day: weeks are too narrow for labels of their own

    merker = ukelinjal(start, start + timedelta(days=400), x, start)
    merket = {m.uke: m.tekst for m in merker if m.tekst}
    assert merket == {0: "start"} | {n: f"{n} uker" for n in LOVENS_UKER}
    assert {m.uke for m in merker if m.lov} == set(LOVENS_UKER)
    assert next(m for m in merker if m.uke == 26).x == 182.0
    sju, atte = (next(m for m in merker if m.uke == n) for n in (7, 8))
    assert (sju.niva, atte.niva) == (0, 1)  # 7 and 8 weeks are one week apart: the second label is lifted


def test_the_ruler_labels_every_week_when_weeks_are_wide_and_turns_labels_at_the_right_edge() -> None:
    start = date(2026, 11, 2)
    b = tegn([], start, start + timedelta(days=35), IDAG, "t", start=start)
    assert [m.tekst for m in b.merker] == ["start", "1 uker", "2 uker", "3 uker", "4 uker", "5 uker"]
    assert all(m.x + 3 + len(m.tekst) * TEGN_PX <= BREDDE or m.mot_venstre for m in b.merker)


def test_the_whole_case_reaches_the_maksdato_for_the_roles_that_have_it() -> None:
    start, lukkes = date(2026, 1, 5), date(2026, 3, 1)
    maks = data.Element("frister", date(2026, 12, 20), None, "frist", "pending", "Maks", "Maksdato", kind="maksdato")
    andre = data.Element("frister", date(2026, 9, 1), None, "frist", "pending", "DM3", "Dialogmøte 3", kind="x")

    idag = date(2026, 2, 1)
    assert vindu("alt", start, lukkes, idag, [maks])[1] >= maks.fra
    assert vindu("alt", start, lukkes, idag, [andre])[1] < andre.fra  # far-off points stay in the list


def test_a_reminder_in_the_timeline_says_why_in_words_and_carries_no_rule_id() -> None:
    """Users read bokmål; the reason code and rule id stay in the data (the table's "Detaljer" and the API)."""
    from domain.begreper import Arsak
    from service.web.tidslinjedata import GRUNNTEKST, paminnelser

    rad = {
        "at": "2025-02-03T08:00:00+01:00",
        "recipient": {"role": "NL", "id": "leder-A"},
        "status": "cancelled",
        "milestone": "dialogmote_1",
        "stage": "before",
        "reason": "not_mandatory",
        "rule": "RM-5",
    }

    (element,) = paminnelser([rad])

    assert "møtet er ikke påkrevd" in element.beskrivelse
    assert "RM-5" not in element.beskrivelse
    assert "not_mandatory" not in element.beskrivelse
    assert {a.value for a in Arsak} <= set(GRUNNTEKST)
