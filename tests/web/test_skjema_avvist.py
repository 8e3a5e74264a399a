"""A leader's form the rules refuse (rules.md VAL-9, VAL-10, VAL-12): 422, nothing stored, the reason in
bokmål, the rule ID only in the "Detaljer" fold-out.
"""

from __future__ import annotations

import re

import pytest

from domain.errors import KonfliktFeil, UgyldigKommandoError, ValideringsFeil
from service.devtools import demodata
from service.web.handlinger import avvisningstekst

from .web_hjelp import P1, Web, dag


def _melding(html: str) -> str:
    m = re.search(r'<div class="melding feil" role="alert"><p>Ikke registrert: (.*?)</p>', html)
    assert m is not None, "no refusal shown"
    return m.group(1)


@pytest.mark.parametrize(
    ("felter", "regel", "tekst"),
    [
        ({"type": "oppfolgingsplan_ferdig", "dato": dag(1).isoformat()}, "VAL-12", "Datoen kan ikke være etter i dag."),
        ({"type": "oppfolgingsplan_ferdig", "dato": "9999-12-31"}, "VAL-10", "Datoen ligger for langt fra i dag"),
        (
            {"type": "dialogmote_innkalt", "id": "web-0123456789abcdef", "tidspunkt": "9999-12-31T10:00"},
            "VAL-10",
            "Datoen ligger for langt fra i dag",
        ),
        (
            {"type": "dialogmote_innkalt", "id": "web-0123456789abcdef", "tidspunkt": f"{dag(400).isoformat()}T10:00"},
            "VAL-12",
            "høyst ett år fram i tid",
        ),
    ],
)
def test_a_refused_form_says_why_in_bokmal_and_stores_nothing(
    ny: Web, felter: dict[str, str], regel: str, tekst: str
) -> None:
    ny.logg_inn("leder-demo", "NL")
    posisjon = ny.kjerne.app.siste_posisjon()

    r = ny.send(ny.sak(P1), felter)

    assert r.status_code == 422
    assert tekst in _melding(r.text)
    assert regel not in _melding(r.text)
    assert f"<summary>Detaljer</summary>{regel}</details>" in r.text
    assert ny.kjerne.app.siste_posisjon() == posisjon


def test_every_refusal_has_a_bokmal_text_without_english_rule_messages() -> None:
    for feil in (
        ValideringsFeil("VAL-11", "id", "an id is 1–64 characters"),
        ValideringsFeil("VAL-12", "dato", "dato lies after the day the command arrives"),
        KonfliktFeil("VAL-4", "id", "id already used with other content"),
        ValideringsFeil("XYZ-1", None, "something new"),
        UgyldigKommandoError("dato", "expected a date YYYY-MM-DD"),
    ):
        tekst = avvisningstekst("oppfolgingsplan_ferdig", feil)

        assert tekst
        assert feil.melding not in tekst


@pytest.mark.parametrize("as_of", ["9999-12-31", "9999-12-31T23:59", "0001-01-01T00:00"])
def test_the_auditors_as_of_outside_2000_to_2099_is_a_clear_400_page_not_500(ny: Web, as_of: str) -> None:
    """VAL-10 on a read: the Oslo wall clock of year 9999 must never reach the date arithmetic."""
    ny.logg_inn(demodata.REVISOR, "AUDITOR")

    r = ny.klient.get(f"/revisjon/saker/{ny.sak(P1)}?as_of={as_of}")

    assert r.status_code == 400
    assert "mellom år 2000 og 2099" in r.text


def _felt(html: str, inn: str) -> str:
    """The form control whose id starts with ``inn`` (the row number follows)."""
    m = re.search(rf'<(?:input|select)[^>]*id="{inn}-[0-9-]+"[^>]*>', html)
    assert m is not None, f"no {inn} field on the page"
    return m.group(0)


@pytest.mark.parametrize(
    ("felter", "inn", "verdi", "regel"),
    [
        ({"type": "oppfolgingsplan_ferdig", "dato": dag(1).isoformat()}, "plan-dato", dag(1).isoformat(), "VAL-12"),
        ({"type": "oppfolgingsplan_ferdig", "dato": "31.12.2026"}, "plan-dato", "31.12.2026", "skjema"),
        (
            {"type": "dialogmote_innkalt", "id": "web-0123456789abcdef", "tidspunkt": f"{dag(400).isoformat()}T10:00"},
            "mote-tid",
            f"{dag(400).isoformat()}T10:00",
            "VAL-12",
        ),
    ],
)
def test_the_refusal_sits_by_its_field_and_the_input_is_kept(
    ny: Web, felter: dict[str, str], inn: str, verdi: str, regel: str
) -> None:
    """VAL-9: the form comes back with what the leader typed and the reason beside the named field."""
    ny.logg_inn("leder-demo", "NL")

    r = ny.send(ny.sak(P1), felter)

    assert r.status_code == 422
    felt = _felt(r.text, inn)
    assert f'value="{verdi}"' in felt
    assert 'aria-invalid="true"' in felt
    assert 'aria-describedby="skjemafeil-tekst"' in felt
    ved = re.search(
        rf'<div class="feltfeil" id="skjemafeil"><p id="skjemafeil-tekst">([^<]+)</p>'
        rf"<details><summary>Detaljer</summary>{regel}</details></div>\s*{re.escape(felt)}",
        r.text,
    )
    assert ved is not None, "the message is not beside the field"
    assert regel not in ved.group(1)
    assert ved.group(1) in _melding(r.text)
    assert r.text.count('aria-invalid="true"') == 1


def test_a_refused_exemption_keeps_the_chosen_options(ny: Web) -> None:
    ny.logg_inn("leder-demo", "NL")
    side = ny.klient.get("/mine-sykmeldte").text
    frist = re.search(r'id="unntak-frist-1"[^>]*>\s*<option value="([^"]+)"', side)
    assert frist is not None, "no exemption form in the first row"
    sak = re.search(r'<tr id="sak-([^"]+)"', side)
    assert sak is not None

    r = ny.send(
        sak.group(1), {"type": "unntak", "frist": frist.group(1), "arsak": "ALVORLIG_SYKDOM", "dato": "9999-01-01"}
    )

    assert r.status_code == 422
    assert 'value="9999-01-01"' in _felt(r.text, "unntak-dato")
    assert re.search(r'<option value="ALVORLIG_SYKDOM" selected>', r.text)
    assert "VAL-10</details>" in r.text
