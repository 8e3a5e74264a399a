"""Reading and validating commands (rules.md VAL-1, VAL-2, VAL-3, VAL-6, VAL-7, E-1, VAL-9)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from factories import periode, som_json, steg, sykmelding_steg

from domain.errors import UgyldigKommandoError, ValideringsFeil
from domain.innstillinger import Innstillinger
from domain.kommandoer import les_kommando

MAN = date(2025, 1, 6)


def _sykmelding(*perioder: dict[str, Any], **ekstra: Any) -> dict[str, Any]:
    data = sykmelding_steg("SM1", MAN, MAN, **ekstra)
    data["perioder"] = som_json(list(perioder))
    return data


def _avvist(data: dict[str, Any], **kwargs: Any) -> ValideringsFeil:
    with pytest.raises(ValideringsFeil) as feil:
        les_kommando(data, **kwargs)
    return feil.value


def _ulesbar(data: Any) -> UgyldigKommandoError:
    with pytest.raises(UgyldigKommandoError) as feil:
        les_kommando(data)
    return feil.value


# ---------------------------------------------------------------- VAL-1


@pytest.mark.parametrize("grad", [20, 50, 100])
def test_a_sykmelding_with_grad_20_to_100_is_accepted(grad: int) -> None:
    """VAL-1: grad is an integer 20–100."""
    k = les_kommando(_sykmelding(periode(MAN, date(2025, 1, 31), grad)))

    assert k["perioder"][0].grad == grad


@pytest.mark.parametrize("grad", [0, 19, 101])
def test_a_sykmelding_with_grad_outside_20_to_100_is_refused_naming_the_grade(grad: int) -> None:
    """VAL-1: below 20 (and above 100) is rejected."""
    feil = _avvist(_sykmelding(periode(MAN, date(2025, 1, 31), grad)))

    assert (feil.regel, feil.felt) == ("VAL-1", "perioder[0].grad")


def test_a_periode_with_tom_before_fom_is_refused() -> None:
    """VAL-1: fom ≤ tom."""
    feil = _avvist(_sykmelding(periode(date(2025, 1, 10), date(2025, 1, 9))))

    assert (feil.regel, feil.felt) == ("VAL-1", "perioder[0].tom")


def test_a_one_day_periode_is_accepted() -> None:
    """VAL-1: fom = tom is allowed."""
    k = les_kommando(_sykmelding(periode(MAN, MAN)))

    assert k["perioder"][0].fom == k["perioder"][0].tom


def test_overlapping_periods_of_one_note_are_refused() -> None:
    """VAL-1: periods of one note do not overlap (sharing 01-15 is an overlap)."""
    feil = _avvist(_sykmelding(periode(MAN, date(2025, 1, 15)), periode(date(2025, 1, 15), date(2025, 1, 31), 50)))

    assert feil.regel == "VAL-1"
    assert feil.felt is not None
    assert feil.felt.startswith("perioder")


def test_adjacent_periods_of_one_note_are_accepted() -> None:
    """VAL-1: 100 % to 01-15, then 50 % from 01-16."""
    k = les_kommando(_sykmelding(periode(MAN, date(2025, 1, 15)), periode(date(2025, 1, 16), date(2025, 1, 31), 50)))

    assert [p.grad for p in k["perioder"]] == [100, 50]


def test_a_note_without_periods_is_refused() -> None:
    """VAL-1: at least one periode."""
    feil = _avvist(_sykmelding())

    assert (feil.regel, feil.felt) == ("VAL-1", "perioder")


def test_a_note_spanning_365_days_is_accepted() -> None:
    """VAL-1: 2025-01-01 … 2025-12-31 is 365 days."""
    k = les_kommando(_sykmelding(periode(date(2025, 1, 1), date(2025, 12, 31))))

    assert k.type == "sykmelding"


def test_a_note_spanning_366_days_is_refused() -> None:
    """VAL-1: the note spans at most 365 days; 2025-01-01 … 2026-01-01 is 366 days."""
    feil = _avvist(
        _sykmelding(periode(date(2025, 1, 1), date(2025, 6, 30)), periode(date(2025, 7, 1), date(2026, 1, 1)))
    )

    assert (feil.regel, feil.felt) == ("VAL-1", "perioder")


def test_reisetilskudd_and_the_two_booleans_are_allowed_fields() -> None:
    """VAL-2 (scenarios.md sykmelding fields): reisetilskudd?, medisinske_grunner?, utdypende_opplysninger?."""
    k = les_kommando(
        _sykmelding(
            periode(MAN, date(2025, 1, 31), 100, reisetilskudd=True),
            medisinske_grunner=True,
            utdypende_opplysninger=False,
        )
    )

    assert k["perioder"][0].reisetilskudd
    assert k["medisinske_grunner"] is True


# ---------------------------------------------------------------- VAL-2, PRIV-1


def test_a_diagnosis_field_is_refused_by_val_2_naming_the_field() -> None:
    """VAL-2, PRIV-1: a field not listed for the type is rejected."""
    feil = _avvist(_sykmelding(periode(MAN, date(2025, 1, 31)), diagnosekode="F32"))

    assert (feil.regel, feil.felt) == ("VAL-2", "diagnosekode")


def test_an_unknown_field_inside_a_periode_is_refused_by_val_2() -> None:
    """VAL-2: the periode object has fom, tom, grad and reisetilskudd only."""
    feil = _avvist(_sykmelding(periode(MAN, date(2025, 1, 31), diagnose="sorg")))

    assert (feil.regel, feil.felt) == ("VAL-2", "perioder[0].diagnose")


def test_free_text_on_a_plan_is_refused_by_val_2() -> None:
    """VAL-2, PRIV-1: oppfolgingsplan_ferdig has no text field."""
    feil = _avvist(steg("oppfolgingsplan_ferdig", MAN, fnr="P", orgnr="O", dato=MAN, kommentar="har angst"))

    assert (feil.regel, feil.felt) == ("VAL-2", "kommentar")


# ---------------------------------------------------------------- VAL-3


def test_an_invalid_fnr_is_refused_when_ids_are_validated() -> None:
    """VAL-3: second check digit wrong (…481 instead of …480)."""
    data = sykmelding_steg("SM1", MAN, MAN, fnr="01019012481", orgnr="974760673")

    feil = _avvist(data, valider_identer=True)

    assert (feil.regel, feil.felt) == ("VAL-3", "fnr")


def test_an_invalid_orgnr_is_refused_when_ids_are_validated() -> None:
    """VAL-3: organisasjonsnummer mod 11."""
    data = sykmelding_steg("SM1", MAN, MAN, fnr="01019012480", orgnr="974760674")

    feil = _avvist(data, valider_identer=True)

    assert (feil.regel, feil.felt) == ("VAL-3", "orgnr")


def test_labels_are_accepted_when_ids_are_not_validated() -> None:
    """VAL-3: only when config.validate_ids (false in scenarios)."""
    k = les_kommando(sykmelding_steg("SM1", MAN, MAN, fnr="PERSON-1", orgnr="ORG-1"))

    assert k.fnr == "PERSON-1"


def test_a_valid_d_nummer_is_accepted_when_ids_are_validated() -> None:
    """VAL-3: D-nummer pass."""
    k = les_kommando(sykmelding_steg("SM1", MAN, MAN, fnr="41019012474", orgnr="974760673"), valider_identer=True)

    assert k.fnr == "41019012474"


# ---------------------------------------------------------------- VAL-6 (MS-5 table)


def _unntak(frist: str, arsak: str, av: str) -> dict[str, Any]:
    return steg("unntak", MAN, fnr="P", orgnr="O", dato=MAN, frist=frist, arsak=arsak, av=av)


@pytest.mark.parametrize(
    ("frist", "arsak", "av"),
    [
        ("oppfolgingsplan", "TILBAKE_UTEN_TILRETTELEGGING", "NL"),
        ("oppfolgingsplan", "ALVORLIG_SYKDOM", "NL"),
        ("oppfolgingsplan", "GRADERT_DIALOG_FUNGERER", "NL"),
        ("dialogmote_1", "TILBAKE_UTEN_TILRETTELEGGING", "NL"),
        ("dialogmote_1", "TILRETTELEGGING_FUNGERER", "NL"),
        ("dialogmote_1", "ALVORLIG_SYKDOM", "NL"),
        ("dialogmote_1", "UTSATT_ALVORLIG_SYKDOM", "NL"),
        ("aktivitetskrav", "MEDISINSKE_GRUNNER", "NAV"),
        ("aktivitetskrav", "TILRETTELEGGING_IKKE_MULIG", "NAV"),
        ("dialogmote_2", "MEDISINSKE_GRUNNER", "NAV"),
        ("dialogmote_2", "INNLEGGELSE_INSTITUSJON", "NAV"),
        ("dialogmote_2", "FORVENTET_FRISKMELDING", "NAV"),
        ("dialogmote_2", "DOKUMENTERT_TILTAK_FRISKMELDING", "NAV"),
    ],
)
def test_every_row_of_the_unntak_table_is_readable(frist: str, arsak: str, av: str) -> None:
    """MS-5 table, VAL-6."""
    k = les_kommando(_unntak(frist, arsak, av))

    assert (k["frist"], k["arsak"], k["av"]) == (frist, arsak, av)


@pytest.mark.parametrize(
    ("frist", "arsak", "av"),
    [
        ("oppfolgingsplan", "ALVORLIG_SYKDOM", "NAV"),
        ("dialogmote_1", "ALVORLIG_SYKDOM", "NAV"),
        ("aktivitetskrav", "MEDISINSKE_GRUNNER", "NL"),
        ("dialogmote_2", "MEDISINSKE_GRUNNER", "NL"),
    ],
)
def test_an_unntak_registered_by_the_wrong_party_is_refused(frist: str, arsak: str, av: str) -> None:
    """VAL-6: `av` must match the MS-5 table."""
    feil = _avvist(_unntak(frist, arsak, av))

    assert (feil.regel, feil.felt) == ("VAL-6", "av")


@pytest.mark.parametrize(
    ("frist", "arsak", "av"),
    [
        ("oppfolgingsplan", "TILRETTELEGGING_FUNGERER", "NL"),
        ("dialogmote_1", "GRADERT_DIALOG_FUNGERER", "NL"),
        ("aktivitetskrav", "ALVORLIG_SYKDOM", "NAV"),
        ("dialogmote_2", "TILRETTELEGGING_IKKE_MULIG", "NAV"),
        ("dialogmote_2", "SYK", "NAV"),
    ],
)
def test_an_arsak_not_listed_for_the_frist_is_refused(frist: str, arsak: str, av: str) -> None:
    """VAL-6: arsak must match the MS-5 table."""
    feil = _avvist(_unntak(frist, arsak, av))

    assert (feil.regel, feil.felt) == ("VAL-6", "arsak")


def test_an_unntak_for_a_frist_outside_the_table_is_refused() -> None:
    """VAL-6, MS-5: motebehov is a point, not an obligation."""
    feil = _avvist(_unntak("motebehov", "MEDISINSKE_GRUNNER", "NAV"))

    assert (feil.regel, feil.felt) == ("VAL-6", "frist")


# ---------------------------------------------------------------- VAL-7, E-1


def _egenmelding(fom: date, tom: date) -> dict[str, Any]:
    return steg("egenmelding", fom, id="EM1", fnr="P", orgnr="O", fom=fom, tom=tom)


def test_a_three_day_egenmelding_is_accepted_by_default() -> None:
    """E-1: default egenmelding_max_days = 3 calendar days."""
    k = les_kommando(_egenmelding(date(2025, 1, 6), date(2025, 1, 8)))

    assert k["tom"] == date(2025, 1, 8)


def test_a_four_day_egenmelding_is_refused_by_default() -> None:
    """E-1, VAL-7: longer than egenmelding_max_days ⇒ rejected."""
    feil = _avvist(_egenmelding(date(2025, 1, 6), date(2025, 1, 9)))

    assert (feil.regel, feil.felt) == ("VAL-7", "tom")


def test_an_eight_day_egenmelding_is_accepted_when_the_employer_allows_eight_days() -> None:
    """E-1: employers that allow 8 or 16 days set the knob."""
    k = les_kommando(_egenmelding(date(2025, 1, 6), date(2025, 1, 13)), egenmelding_maks_dager=8)

    assert k["fom"] == date(2025, 1, 6)


def test_a_nine_day_egenmelding_is_refused_when_eight_are_allowed() -> None:
    """E-1, VAL-7."""
    feil = _avvist(_egenmelding(date(2025, 1, 6), date(2025, 1, 14)), egenmelding_maks_dager=8)

    assert feil.regel == "VAL-7"


def test_an_egenmelding_with_tom_before_fom_is_refused() -> None:
    """E-1: fom ≤ tom."""
    feil = _avvist(_egenmelding(date(2025, 1, 8), date(2025, 1, 6)))

    assert feil.regel in ("E-1", "VAL-7")
    assert feil.felt == "tom"


# ---------------------------------------------------------------- unreadable input (VAL-9: exit 2)


def test_an_unknown_command_type_is_unreadable_naming_the_type_field() -> None:
    """VAL-9: an unknown `type` is a bad scenario, not a refusal."""
    feil = _ulesbar(steg("sykmelding_endret", MAN, id="SM1"))

    assert feil.felt == "type"


def test_a_missing_required_field_is_unreadable_naming_the_field() -> None:
    """VAL-9: a required field missing."""
    data = sykmelding_steg("SM1", MAN, MAN)
    del data["perioder"]

    feil = _ulesbar(data)

    assert feil.felt == "perioder"


def test_a_missing_field_inside_a_periode_is_unreadable_naming_the_path() -> None:
    """VAL-9."""
    data = sykmelding_steg("SM1", MAN, MAN)
    del data["perioder"][0]["grad"]

    feil = _ulesbar(data)

    assert feil.felt == "perioder[0].grad"


@pytest.mark.parametrize(
    ("felt", "verdi", "sti"),
    [
        ("perioder", {"fom": "2025-01-06"}, "perioder"),
        ("id", 17, "id"),
        ("medisinske_grunner", "ja", "medisinske_grunner"),
    ],
)
def test_a_field_of_the_wrong_json_type_is_unreadable(felt: str, verdi: Any, sti: str) -> None:
    """VAL-9: a required field of the wrong JSON type."""
    data = sykmelding_steg("SM1", MAN, MAN)
    data[felt] = verdi

    feil = _ulesbar(data)

    assert feil.felt == sti


def test_a_grade_given_as_a_string_is_unreadable() -> None:
    """VAL-9: "100" is not an integer."""
    data = sykmelding_steg("SM1", MAN, MAN)
    data["perioder"][0]["grad"] = "100"

    feil = _ulesbar(data)

    assert feil.felt == "perioder[0].grad"


def test_hensiktsmessig_must_be_a_json_boolean() -> None:
    """VAL-9: dialogmote_svar.hensiktsmessig is a bool."""
    feil = _ulesbar(steg("dialogmote_svar", MAN, fnr="P", orgnr="O", part="NL", hensiktsmessig="ja"))

    assert feil.felt == "hensiktsmessig"


def test_an_at_without_offset_is_unreadable_naming_at() -> None:
    """T-1, VAL-9: an `at` without offset."""
    data = sykmelding_steg("SM1", MAN, MAN)
    data["at"] = "2025-01-06T09:00:00"

    feil = _ulesbar(data)

    assert feil.felt == "at"


def test_a_meeting_time_without_offset_is_unreadable_naming_tidspunkt() -> None:
    """T-1: `tidspunkt` carries an offset."""
    data = steg(
        "dialogmote_innkalt",
        MAN,
        id="M1",
        fnr="P",
        orgnr="O",
        mote=1,
        tidspunkt="2025-02-13T10:00:00",
        deltakere=[{"rolle": "NL", "id": "leder-A"}],
    )

    feil = _ulesbar(data)

    assert feil.felt == "tidspunkt"


def test_a_malformed_date_is_unreadable() -> None:
    """VAL-9: dates are YYYY-MM-DD."""
    data = steg("arbeid_gjenopptatt", MAN, fnr="P", orgnr="O", dato="06.01.2025")

    feil = _ulesbar(data)

    assert feil.felt == "dato"


def test_a_meeting_number_outside_1_to_3_is_unreadable() -> None:
    """scenarios.md: mote is 1, 2 or 3."""
    data = steg(
        "dialogmote_innkalt",
        MAN,
        id="M1",
        fnr="P",
        orgnr="O",
        mote=4,
        tidspunkt="2025-02-13T10:00:00+01:00",
        deltakere=[],
    )

    feil = _ulesbar(data)

    assert feil.felt == "mote"


def test_at_keeps_its_offset() -> None:
    """T-1: instants carry an offset; the Oslo date is taken in Europe/Oslo."""
    k = les_kommando(steg("narmeste_leder", "2025-03-30T23:30:00+00:00", fnr="P", orgnr="O", leder_id="L", fom=MAN))

    assert k.at.isoformat() == "2025-03-30T23:30:00+00:00"


# ---------------------------------------------------------------- CFG


def test_the_configuration_defaults_are_those_of_the_rule_book() -> None:
    """CFG table in rules.md §9."""
    inn = Innstillinger.fra_config(None)

    assert inn.closure_days == frozenset()
    assert inn.send_time == time(8, 0)
    assert inn.before_offsets_days == (14, 7, 0)
    assert inn.escalation is True
    assert inn.escalation_after_days == 7
    assert inn.dm1_graded_prompt is True
    assert inn.sykmelder_prompts is True
    assert inn.utsatt_recheck_days == 28
    assert inn.early_request_followup_working_days == 5
    assert inn.maksdato_info_days == 28
    assert inn.notify_employer_of_stans is False
    assert inn.egenmelding_max_days == 3
    assert inn.leader_access_months == 4
    assert inn.validate_ids is False


def test_closure_days_and_send_time_are_read_from_the_scenario_config() -> None:
    """CFG closure_days, send_time."""
    inn = Innstillinger.fra_config({"closure_days": ["2025-12-24"], "send_time": "09:30"})

    assert not inn.kalender.er_arbeidsdag(date(2025, 12, 24))
    assert inn.kalender.slot(date(2025, 12, 23)).isoformat() == "2025-12-23T09:30:00+01:00"


def test_an_unknown_config_key_is_unreadable() -> None:
    """CFG: legal constants are not configurable; VAL-9 bad scenario."""
    with pytest.raises(UgyldigKommandoError) as feil:
        Innstillinger.fra_config({"agp_days": 20})

    assert feil.value.felt == "config.agp_days"


def test_a_config_value_of_the_wrong_type_is_unreadable() -> None:
    """CFG, VAL-9."""
    with pytest.raises(UgyldigKommandoError) as feil:
        Innstillinger.fra_config({"escalation": "yes"})

    assert feil.value.felt == "config.escalation"
