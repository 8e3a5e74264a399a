"""Validation at receipt against the command's own ``at`` (rules.md VAL-10, VAL-11, VAL-12) and the new
vocabulary (scenarios.md: ``person``, ``nav_enhet``, ``virksomhet.navn``, ``narmeste_leder.leder_navn``
and ``leder_epost``). Pure: ``les_kommando`` only, no store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from factories import kl, steg, sykmelding_steg

from domain.errors import UgyldigKommandoError, ValideringsFeil
from domain.kommandoer import les_kommando
from domain.validering import i_tidsrom

AT = date(2025, 1, 6)
LANGT_DOMENE = ("a" * 62 + ".") * 3 + "a" * 58 + ".no"  # 250 characters: with "kari@" one too many (VAL-11)


def _avvist(data: dict[str, Any]) -> tuple[str, str | None]:
    with pytest.raises(ValideringsFeil) as feil:
        les_kommando(data)
    return feil.value.regel, feil.value.felt


def _leder(**ekstra: Any) -> dict[str, Any]:
    return steg("narmeste_leder", AT, fnr="P1", orgnr="O1", leder_id="leder-A", fom=AT) | ekstra


def _mote(**ekstra: Any) -> dict[str, Any]:
    felter = {"id": "M1", "fnr": "P1", "orgnr": "O1", "mote": 1, "tidspunkt": kl(date(2025, 2, 12), "10:00")}
    return steg("dialogmote_innkalt", AT, deltakere=[{"rolle": "NL", "id": "leder-A"}], **felter) | ekstra


# ---------------------------------------------------------------- VAL-10: dates around `at`


def test_a_sykmelding_with_periods_in_december_9999_is_refused_naming_the_period() -> None:
    data = sykmelding_steg("SM1", date(9999, 12, 1), date(9999, 12, 31), mottatt=AT)

    assert _avvist(data) == ("VAL-10", "perioder[0].fom")


def test_an_egenmelding_on_9999_12_29_to_31_is_refused() -> None:
    data = steg("egenmelding", AT, id="E1", fnr="P1", orgnr="O1", fom="9999-12-29", tom="9999-12-31")

    assert _avvist(data) == ("VAL-10", "fom")


def test_a_meeting_at_9999_12_31_23_59_59_minus_14_is_refused_without_overflow() -> None:
    """Converting this instant to Oslo time would overflow; the year is refused first."""
    assert _avvist(_mote(tidspunkt="9999-12-31T23:59:59-14:00")) == ("VAL-10", "tidspunkt")


def test_a_meeting_at_0001_01_01_plus_14_is_refused_without_overflow() -> None:
    assert _avvist(_mote(tidspunkt="0001-01-01T00:00:00+14:00")) == ("VAL-10", "tidspunkt")


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00:00+01:00",
        "1999-12-31T22:59:00+00:00",
        "2100-01-01T00:30:00+01:00",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_an_at_outside_2000_to_2099_is_refused(at: str) -> None:
    assert _avvist(steg("person", at, fnr="P1", navn="Ola Nordmann")) == ("VAL-10", "at")


def test_the_range_of_at_is_read_in_oslo_dates() -> None:
    """23:30 UTC on 31 December 1999 is 00:30 on 1 January 2000 in Oslo."""
    les_kommando(steg("person", "1999-12-31T23:30:00+00:00", fnr="P1", navn="Ola Nordmann"))


def test_an_at_on_the_last_oslo_day_of_2099_is_accepted() -> None:
    les_kommando(steg("person", "2099-12-31T23:59:00+01:00", fnr="P1", navn="Ola Nordmann"))


@pytest.mark.parametrize(
    ("fom", "godtatt"),
    [
        (date(2020, 1, 6), True),  # exactly 5 years before `at`
        (date(2020, 1, 5), False),
        (date(2027, 1, 6), True),  # exactly 2 years after
        (date(2027, 1, 7), False),
    ],
)
def test_dates_lie_within_5_years_before_and_2_years_after_at(fom: date, godtatt: bool) -> None:
    data = steg("arbeid_gjenopptatt", AT, fnr="P1", orgnr="O1", dato=fom)

    if godtatt:
        les_kommando(data)
    else:
        assert _avvist(data) == ("VAL-10", "dato")


@pytest.mark.parametrize(("fom", "godtatt"), [(date(1970, 1, 1), True), (date(1969, 12, 31), False)])
def test_a_leader_relation_may_start_any_time_from_1970(fom: date, godtatt: bool) -> None:
    if godtatt:
        les_kommando(_leder(fom=fom.isoformat()))
    else:
        assert _avvist(_leder(fom=fom.isoformat())) == ("VAL-10", "fom")


def test_a_leader_relation_starting_more_than_2_years_after_at_is_refused() -> None:
    assert _avvist(_leder(fom="2027-01-07")) == ("VAL-10", "fom")


def test_as_of_and_at_share_the_2000_to_2099_range() -> None:
    assert i_tidsrom(kl(date(2025, 1, 6)))
    assert not i_tidsrom(kl(date(1999, 12, 31)))


# ---------------------------------------------------------------- VAL-11: ids, names, e-mail, text


ANGREP = [
    "leder\x00A",  # NUL byte
    "\x1b[31mleder\x1b[0m",  # ANSI escape
    "x" * 60_000,  # 60 KB
    "<script>alert(1)</script>",  # HTML
    "Pasienten har depresjon F32.1",  # free text about health (PRIV-1)
    "x" * 65,
    "leder A",
    "leder@firma.no",
    "lëder",
]


@pytest.mark.parametrize(
    "verdi", ANGREP, ids=["nul", "ansi", "60kb", "html", "helse", "65", "mellomrom", "epost", "ikke-ascii"]
)
def test_free_text_and_oversize_values_in_sykmelder_id_are_refused(verdi: str) -> None:
    data = sykmelding_steg("SM1", AT, date(2025, 1, 31), sykmelder_id=verdi)

    assert _avvist(data)[0] == "VAL-11"


def test_a_200_character_leder_id_is_refused() -> None:
    assert _avvist(_leder(leder_id="a" * 200)) == ("VAL-11", "leder_id")


def test_a_100_character_sykmelding_id_is_refused() -> None:
    assert _avvist(sykmelding_steg("S" * 100, AT, date(2025, 1, 31))) == ("VAL-11", "id")


def test_a_64_character_id_of_the_whole_alphabet_is_accepted() -> None:
    ident = ("AZaz09._:-" * 7)[:64]

    k = les_kommando(sykmelding_steg(ident, AT, date(2025, 1, 31), sykmelder_id=ident))

    assert k["id"] == ident


@pytest.mark.parametrize(
    ("data", "felt"),
    [
        (steg("virksomhet", AT, orgnr="O1", hr_id="hr 1"), "hr_id"),
        (steg("samtykke_gitt", AT, fnr="P1", orgnr="O1", rolle="TV", person_id="<b>", omfang="mote"), "person_id"),
        (steg("nav_enhet", AT, fnr="P1", enhet="0314", veileder_id="v" * 65), "veileder_id"),
        (steg("sykmelding_annullert", AT, id="SM 1"), "id"),
        (steg("dialogmote_avholdt", AT, id="M\x001", dato=AT), "id"),
    ],
)
def test_every_id_field_keeps_to_the_id_alphabet(data: dict[str, Any], felt: str) -> None:
    assert _avvist(data) == ("VAL-11", felt)


def test_a_participant_id_keeps_to_the_id_alphabet() -> None:
    data = _mote(deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "TV", "id": "Pasienten har depresjon"}])

    assert _avvist(data) == ("VAL-11", "deltakere[1].id")


@pytest.mark.parametrize("enhet", ["031", "03140", "abcd", "٠٣١٤", "03 4"])
def test_a_nav_office_is_four_ascii_digits(enhet: str) -> None:
    assert _avvist(steg("nav_enhet", AT, fnr="P1", enhet=enhet)) == ("VAL-11", "enhet")


@pytest.mark.parametrize(
    "navn",
    ["   ", "x" * 201, "Ola\u2028Nordmann", "Ola\u200bNordmann"],
    ids=["blank", "201", "linjeskift", "nullbredde"],
)
def test_a_name_is_1_to_200_printable_characters(navn: str) -> None:
    assert _avvist(steg("person", AT, fnr="P1", navn=navn)) == ("VAL-11", "navn")


def test_a_200_character_name_with_norwegian_letters_is_accepted() -> None:
    navn = ("Åse Bjørg Ødegård-Næss " * 10)[:200]

    assert les_kommando(steg("person", AT, fnr="P1", navn=navn))["navn"] == navn


@pytest.mark.parametrize(
    "epost",
    ["kari", "kari@", "kari nordmann@firma.no", "Kari <kari@firma.no>", "kari@localhost", "kari@" + LANGT_DOMENE],
    ids=["uten-alfa", "uten-domene", "mellomrom", "visningsnavn", "uten-punktum", "255"],
)
def test_leder_epost_is_an_e_mail_address_of_at_most_254_characters(epost: str) -> None:
    assert _avvist(_leder(leder_epost=epost)) == ("VAL-11", "leder_epost")


def test_an_e_mail_address_of_254_characters_is_accepted() -> None:
    epost = "kar@" + LANGT_DOMENE

    assert len(epost) == 254
    assert les_kommando(_leder(leder_epost=epost))["leder_epost"] == epost


def test_a_leader_name_of_control_characters_is_refused() -> None:
    assert _avvist(_leder(leder_navn="Kari\x1b[2J")) == ("VAL-11", "leder_navn")


@pytest.mark.parametrize(
    ("data", "felt"),
    [
        (steg("person", AT, fnr="P1", navn="s\ud800x"), "navn"),
        (steg("person", AT, fnr="P\ud800", navn="Ola"), "fnr"),
        (sykmelding_steg("SM1", AT, date(2025, 1, 31)) | {"diagnose\udfff": "x"}, "$"),
        (_mote(deltakere=[{"rolle": "NL", "id": "a\ud800"}]), "deltakere[0].id"),
    ],
)
def test_a_lone_surrogate_anywhere_is_refused_naming_where(data: dict[str, Any], felt: str) -> None:
    """VAL-11: a lone surrogate cannot be stored as UTF-8; it is named, never echoed."""
    assert _avvist(data) == ("VAL-11", felt)


def test_a_control_character_in_an_enum_field_is_refused_before_it_is_read() -> None:
    data = steg("oppfolgingsplan_delt", AT, fnr="P1", orgnr="O1", dato=AT, mottaker="nav\n")

    assert _avvist(data) == ("VAL-11", "mottaker")


# ---------------------------------------------------------------- VAL-12 (against `at`)


@pytest.mark.parametrize("typ", ["oppfolgingsplan_ferdig", "oppfolgingsplan_delt"])
def test_a_plan_dated_after_the_day_it_arrives_is_refused(typ: str) -> None:
    ekstra = {"mottaker": "nav"} if typ == "oppfolgingsplan_delt" else {}
    data = steg(typ, AT, fnr="P1", orgnr="O1", dato=date(2025, 1, 7), **ekstra)

    assert _avvist(data) == ("VAL-12", "dato")


def test_a_plan_dated_the_day_it_arrives_is_accepted() -> None:
    les_kommando(steg("oppfolgingsplan_ferdig", AT, fnr="P1", orgnr="O1", dato=AT))


def test_a_meeting_held_after_the_day_the_command_arrives_is_refused() -> None:
    assert _avvist(steg("dialogmote_avholdt", AT, id="M1", dato=date(2025, 1, 7))) == ("VAL-12", "dato")


def test_a_meeting_is_called_at_most_one_year_ahead() -> None:
    les_kommando(_mote(tidspunkt=kl(date(2026, 1, 6), "23:00").isoformat()))

    assert _avvist(_mote(tidspunkt=kl(date(2026, 1, 7), "08:00").isoformat())) == ("VAL-12", "tidspunkt")


# ---------------------------------------------------------------- the new vocabulary


def test_person_carries_the_employees_name() -> None:
    k = les_kommando(steg("person", AT, fnr="P1", navn="Ola Nordmann"))

    assert (k.type, k.fnr, k["navn"]) == ("person", "P1", "Ola Nordmann")


def test_nav_enhet_with_a_veileder_and_with_null_to_unassign() -> None:
    tildelt = les_kommando(steg("nav_enhet", AT, fnr="P1", enhet="0314", veileder_id="Z990001"))
    ufordelt = les_kommando(steg("nav_enhet", AT, fnr="P1", enhet="0314", veileder_id=None))
    uten = les_kommando(steg("nav_enhet", AT, fnr="P1", enhet="0314"))

    assert tildelt["veileder_id"] == "Z990001"
    assert "veileder_id" in ufordelt.felter
    assert ufordelt["veileder_id"] is None
    assert "veileder_id" not in uten.felter


def test_virksomhet_and_narmeste_leder_take_their_optional_names() -> None:
    v = les_kommando(steg("virksomhet", AT, orgnr="O1", hr_id="hr-1", navn="Bakeriet AS"))
    nl = les_kommando(_leder(leder_navn="Kari Nordmann", leder_epost="kari.nordmann@bakeriet.no"))

    assert v["navn"] == "Bakeriet AS"
    assert (nl["leder_navn"], nl["leder_epost"]) == ("Kari Nordmann", "kari.nordmann@bakeriet.no")


def test_person_takes_no_other_field() -> None:
    """VAL-2 holds for the new types too: no free text rides along with a name."""
    assert _avvist(steg("person", AT, fnr="P1", navn="Ola", diagnose="F32.1")) == ("VAL-2", "diagnose")


@pytest.mark.parametrize(
    "data",
    [
        steg("person", AT, fnr="P1"),
        steg("person", AT, fnr="P1", navn=7),
        steg("nav_enhet", AT, fnr="P1"),
        steg("nav_enhet", AT, fnr="P1", enhet=314),
        steg("nav_enhet", AT, fnr="P1", enhet="0314", veileder_id=5),
    ],
)
def test_a_new_command_missing_a_field_or_of_the_wrong_json_type_is_unreadable(data: dict[str, Any]) -> None:
    with pytest.raises(UgyldigKommandoError):
        les_kommando(data)
