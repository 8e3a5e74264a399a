"""Refusals that need what is already stored (rules.md VAL-4, VAL-5, VAL-6, VAL-8, VAL-9).

These go through ``SyfoApp`` on a temporary SQLite file (the one I/O in tests/domain): a refused
command must store nothing, so the notification log's highest id does not move.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from factories import kl, steg, sykmelding_steg

from domain.errors import DomainError
from domain.sykefravaer import Sykefravaer, person_strom_id
from service.store.application import Kvittering, SyfoApp

FNR = "PERSON-1"
ORG = "ORG-1"
S = date(2025, 1, 6)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[SyfoApp]:
    a = SyfoApp({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "x.db")})
    yield a
    a.close()


def _behandle(app: SyfoApp, data: dict[str, Any]) -> Kvittering:
    return app.behandle(app.les(data))


def _avvist(app: SyfoApp, data: dict[str, Any]) -> DomainError:
    """Refused, and nothing stored (VAL-9)."""
    for_ = app.recorder.max_notification_id()
    with pytest.raises(DomainError) as feil:
        _behandle(app, data)
    assert app.recorder.max_notification_id() == for_
    return feil.value


def _sak_steg(typ: str, at: date, **felter: Any) -> dict[str, Any]:
    return steg(typ, at, fnr=FNR, orgnr=ORG, **felter)


def _med_sak(app: SyfoApp, tom: date = date(2025, 1, 31)) -> None:
    _behandle(app, sykmelding_steg("SM1", S, tom))


# ---------------------------------------------------------------- VAL-4


def test_the_same_sykmelding_twice_is_ignored(app: SyfoApp) -> None:
    """VAL-4: same id, same content ⇒ idempotent."""
    _med_sak(app)
    for_ = app.recorder.max_notification_id()

    kvittering = _behandle(app, sykmelding_steg("SM1", S, date(2025, 1, 31)))

    assert not kvittering.nytt
    assert app.recorder.max_notification_id() == for_


def test_the_same_sykmelding_id_with_other_content_is_refused(app: SyfoApp) -> None:
    """VAL-4: same id, other content ⇒ rejected, nothing stored."""
    _med_sak(app)

    feil = _avvist(app, sykmelding_steg("SM1", S, date(2025, 2, 28)))

    assert feil.regel == "VAL-4"


def test_a_sykmelding_id_used_for_another_person_is_refused(app: SyfoApp) -> None:
    """VAL-4: ids are unique."""
    _med_sak(app)

    feil = _avvist(app, sykmelding_steg("SM1", S, date(2025, 1, 31), fnr="PERSON-2"))

    assert feil.regel == "VAL-4"


def test_the_same_egenmelding_twice_is_ignored_and_other_content_refused(app: SyfoApp) -> None:
    """VAL-4 for egenmelding ids."""
    em = steg("egenmelding", S, id="EM1", fnr=FNR, orgnr=ORG, fom=S, tom=date(2025, 1, 8))
    _behandle(app, em)

    igjen = _behandle(app, em)
    feil = _avvist(app, {**em, "tom": "2025-01-07"})

    assert not igjen.nytt
    assert feil.regel == "VAL-4"


def _innkalling(id: str = "M1", tidspunkt: str = "2025-02-13T10:00:00+01:00") -> dict[str, Any]:
    return _sak_steg(
        "dialogmote_innkalt",
        date(2025, 2, 3),
        id=id,
        mote=1,
        tidspunkt=tidspunkt,
        deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}],
    )


def test_a_meeting_id_called_again_with_another_time_is_refused(app: SyfoApp) -> None:
    """VAL-4 for dialogmote_innkalt ids."""
    _med_sak(app, date(2025, 3, 31))
    _behandle(app, _innkalling())

    igjen = _behandle(app, _innkalling())
    feil = _avvist(app, _innkalling(tidspunkt="2025-02-14T10:00:00+01:00"))

    assert not igjen.nytt
    assert feil.regel == "VAL-4"


# ---------------------------------------------------------------- VAL-5


def test_annulling_an_unknown_sykmelding_is_refused(app: SyfoApp) -> None:
    """VAL-5: sykmelding_annullert must name a known id."""
    _med_sak(app)

    feil = _avvist(app, steg("sykmelding_annullert", date(2025, 1, 10), id="SM-UKJENT"))

    assert (feil.regel, feil.felt) == ("VAL-5", "id")


def test_holding_an_unknown_meeting_is_refused(app: SyfoApp) -> None:
    """VAL-5."""
    _med_sak(app)

    feil = _avvist(app, steg("dialogmote_avholdt", date(2025, 1, 10), id="M-UKJENT", dato=date(2025, 1, 10)))

    assert feil.regel == "VAL-5"


def test_cancelling_an_unknown_meeting_is_refused(app: SyfoApp) -> None:
    """VAL-5."""
    _med_sak(app)

    feil = _avvist(app, steg("dialogmote_avlyst", date(2025, 1, 10), id="M-UKJENT"))

    assert feil.regel == "VAL-5"


def test_a_held_meeting_cannot_be_held_again(app: SyfoApp) -> None:
    """VAL-5: status machine."""
    _med_sak(app, date(2025, 3, 31))
    _behandle(app, _innkalling())
    _behandle(app, steg("dialogmote_avholdt", kl(date(2025, 2, 13), "12:00"), id="M1", dato=date(2025, 2, 13)))

    feil = _avvist(app, steg("dialogmote_avholdt", kl(date(2025, 2, 14)), id="M1", dato=date(2025, 2, 14)))

    assert feil.regel == "VAL-5"


def test_a_held_meeting_cannot_be_cancelled(app: SyfoApp) -> None:
    """VAL-5."""
    _med_sak(app, date(2025, 3, 31))
    _behandle(app, _innkalling())
    _behandle(app, steg("dialogmote_avholdt", kl(date(2025, 2, 13), "12:00"), id="M1", dato=date(2025, 2, 13)))

    feil = _avvist(app, steg("dialogmote_avlyst", kl(date(2025, 2, 14)), id="M1"))

    assert feil.regel == "VAL-5"


def test_a_cancelled_meeting_cannot_be_cancelled_or_held(app: SyfoApp) -> None:
    """VAL-5."""
    _med_sak(app, date(2025, 3, 31))
    _behandle(app, _innkalling())
    _behandle(app, steg("dialogmote_avlyst", kl(date(2025, 2, 10)), id="M1"))

    igjen = _avvist(app, steg("dialogmote_avlyst", kl(date(2025, 2, 11)), id="M1"))
    holdt = _avvist(app, steg("dialogmote_avholdt", kl(date(2025, 2, 13)), id="M1", dato=date(2025, 2, 13)))

    assert (igjen.regel, holdt.regel) == ("VAL-5", "VAL-5")


# ---------------------------------------------------------------- VAL-8, TF-7


def test_a_case_command_before_any_sick_note_is_refused(app: SyfoApp) -> None:
    """VAL-8: no case window at all."""
    _behandle(app, steg("narmeste_leder", S, fnr=FNR, orgnr=ORG, leder_id="leder-A", fom=date(2024, 1, 1)))

    feil = _avvist(app, _sak_steg("oppfolgingsplan_ferdig", S, dato=S))

    assert feil.regel == "VAL-8"


def test_a_case_command_dated_on_closed_on_attaches_and_the_day_after_is_refused(app: SyfoApp) -> None:
    """TF-7, VAL-8: window [S, end + 16]; end 01-31 ⇒ 02-16 in, 02-17 out."""
    _med_sak(app)

    inne = _behandle(app, _sak_steg("oppfolgingsplan_ferdig", date(2025, 2, 16), dato=date(2025, 2, 16)))
    feil = _avvist(app, _sak_steg("oppfolgingsplan_ferdig", date(2025, 2, 17), dato=date(2025, 2, 17)))

    assert inne.nytt
    assert inne.case_id is not None
    assert (feil.regel, feil.felt) == ("VAL-8", "dato")


def test_a_case_command_for_another_employer_is_refused(app: SyfoApp) -> None:
    """VAL-8: the window is per (fnr, orgnr)."""
    _med_sak(app)

    feil = _avvist(
        app, steg("dialogmote_svar", date(2025, 1, 20), fnr=FNR, orgnr="ORG-2", part="NL", hensiktsmessig=True)
    )

    assert (feil.regel, feil.felt) == ("VAL-8", "at")


def test_a_case_command_dated_before_s_is_refused(app: SyfoApp) -> None:
    """TF-7: the window starts at S."""
    _med_sak(app)

    feil = _avvist(app, _sak_steg("arbeid_gjenopptatt", date(2025, 1, 6), dato=date(2025, 1, 5)))

    assert feil.regel == "VAL-8"


# ---------------------------------------------------------------- VAL-6 with state, MS-5


def test_unntak_trukket_without_an_active_unntak_is_refused(app: SyfoApp) -> None:
    """VAL-6: unntak_trukket needs an active unntak for that frist."""
    _med_sak(app)

    feil = _avvist(app, _sak_steg("unntak_trukket", date(2025, 1, 20), dato=date(2025, 1, 20), frist="oppfolgingsplan"))

    assert (feil.regel, feil.felt) == ("VAL-6", "frist")


def test_unntak_trukket_twice_is_refused_the_second_time(app: SyfoApp) -> None:
    """VAL-6, MS-5: unntak_trukket ends the exemption; there is then no active one."""
    _med_sak(app)
    _behandle(
        app,
        _sak_steg(
            "unntak",
            date(2025, 1, 20),
            dato=date(2025, 1, 20),
            frist="oppfolgingsplan",
            arsak="ALVORLIG_SYKDOM",
            av="NL",
        ),
    )
    _behandle(app, _sak_steg("unntak_trukket", date(2025, 1, 21), dato=date(2025, 1, 21), frist="oppfolgingsplan"))

    feil = _avvist(app, _sak_steg("unntak_trukket", date(2025, 1, 22), dato=date(2025, 1, 22), frist="oppfolgingsplan"))

    assert feil.regel == "VAL-6"


def test_an_active_unntak_for_another_frist_does_not_allow_unntak_trukket(app: SyfoApp) -> None:
    """VAL-6: for that frist."""
    _med_sak(app)
    _behandle(
        app,
        _sak_steg(
            "unntak", date(2025, 1, 20), dato=date(2025, 1, 20), frist="dialogmote_1", arsak="ALVORLIG_SYKDOM", av="NL"
        ),
    )

    feil = _avvist(app, _sak_steg("unntak_trukket", date(2025, 1, 21), dato=date(2025, 1, 21), frist="oppfolgingsplan"))

    assert feil.regel == "VAL-6"


def test_gradert_dialog_fungerer_needs_graded_leave_on_its_dato(app: SyfoApp) -> None:
    """MS-5, VAL-6: GRADERT_DIALOG_FUNGERER only if the employee is sick and in activity on dato (a table row)."""
    _med_sak(app)

    feil = _avvist(
        app,
        _sak_steg(
            "unntak",
            date(2025, 1, 20),
            dato=date(2025, 1, 20),
            frist="oppfolgingsplan",
            arsak="GRADERT_DIALOG_FUNGERER",
            av="NL",
        ),
    )

    assert (feil.regel, feil.felt) == ("VAL-6", "arsak")


def test_gradert_dialog_fungerer_is_accepted_on_a_graded_day(app: SyfoApp) -> None:
    """MS-5, OP-6."""
    _behandle(app, sykmelding_steg("SM1", S, date(2025, 1, 31), 50))

    kvittering = _behandle(
        app,
        _sak_steg(
            "unntak",
            date(2025, 1, 20),
            dato=date(2025, 1, 20),
            frist="oppfolgingsplan",
            arsak="GRADERT_DIALOG_FUNGERER",
            av="NL",
        ),
    )

    assert kvittering.nytt


def test_an_accepted_command_is_stored(app: SyfoApp) -> None:
    """VAL-9 counterpart: accepted commands do move the notification log."""
    for_ = app.recorder.max_notification_id()

    _med_sak(app)

    assert (app.recorder.max_notification_id() or 0) > (for_ or 0)


def test_the_person_stream_id_holds_no_fodselsnummer() -> None:
    """PRIV-3: ids in logs and streams are keyed hashes, stable for one key and different across keys."""
    fnr = "01019012480"

    en = person_strom_id(b"key-1", fnr)
    igjen = person_strom_id(b"key-1", fnr)
    annen = person_strom_id(b"key-2", fnr)

    assert en == igjen
    assert en != annen
    assert fnr not in str(en).replace("-", "")


def test_every_reminder_decision_is_stored_as_an_event_with_its_reason(app: SyfoApp) -> None:
    """RP-11, AUD-2: the RM-20 messages of an innkalling are PaminnelseSendt / PaminnelseKansellert{reason}."""
    _med_sak(app, date(2025, 3, 31))
    innkalling = _innkalling()
    innkalling["deltakere"].append({"rolle": "TV", "id": "tv-1"})

    kvittering = _behandle(app, innkalling)

    assert kvittering.person_id is not None
    hendelser = [e for e in app.events.get(kvittering.person_id) if isinstance(e, Sykefravaer.PaminnelseBesluttet)]
    beslutninger = sorted(
        (type(e).__name__, e.rolle, getattr(e, "reason", None), e.timestamp.isoformat()) for e in hendelser
    )
    assert beslutninger == [
        ("PaminnelseKansellert", "TV", "no_consent", kl(date(2025, 2, 3)).isoformat()),
        ("PaminnelseSendt", "AT", None, kl(date(2025, 2, 3)).isoformat()),
    ]


# ---------------------------------------------------------------- VAL-12 (needs the case and the meeting)


def test_a_meeting_called_for_a_time_before_the_case_starts_is_refused(app: SyfoApp) -> None:
    """VAL-12: tidspunkt on or after the case's start (S = 2025-01-06)."""
    _med_sak(app, date(2025, 3, 31))

    for_tidlig = _avvist(app, _innkalling(tidspunkt="2025-01-05T23:30:00+01:00"))
    forste_dag = _behandle(app, _innkalling(tidspunkt="2025-01-06T08:00:00+01:00"))

    assert (for_tidlig.regel, for_tidlig.felt) == ("VAL-12", "tidspunkt")
    assert forste_dag.nytt


def test_a_meeting_held_before_the_day_it_was_called_for_is_refused(app: SyfoApp) -> None:
    """VAL-12: dato not before the meeting's Oslo date (13 February 00:30 Oslo is 12 February UTC)."""
    _med_sak(app, date(2025, 3, 31))
    _behandle(app, _innkalling(tidspunkt="2025-02-13T00:30:00+01:00"))

    for_tidlig = _avvist(app, steg("dialogmote_avholdt", kl(date(2025, 2, 14)), id="M1", dato=date(2025, 2, 12)))
    samme_dag = _behandle(app, steg("dialogmote_avholdt", kl(date(2025, 2, 14)), id="M1", dato=date(2025, 2, 13)))

    assert (for_tidlig.regel, for_tidlig.felt) == ("VAL-12", "dato")
    assert samme_dag.nytt


def test_a_sick_note_in_december_9999_stores_nothing_and_the_person_still_computes(app: SyfoApp) -> None:
    """VAL-10 before any date arithmetic: the stream stays computable (the attack of issue 11)."""
    _med_sak(app)

    feil = _avvist(app, sykmelding_steg("SM9", date(9999, 12, 1), date(9999, 12, 31), mottatt=S))

    assert (feil.regel, feil.felt) == ("VAL-10", "perioder[0].fom")
    person = app.person(person_strom_id(app.id_nokkel, FNR))
    assert [s.tilfelle.start for s in person.grunnlag(app.innstillinger).saker] == [S]
