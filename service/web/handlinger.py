"""The leader's buttons: a form becomes the same command the API takes, sent down the API's own path.

``bygg_kommando`` turns the form into a command dict of the scenarios.md vocabulary, naming the case
by ``case_id`` as the API allows. ``registrer`` then opens the case exactly as a read does (404 for a
case the leader may not read, ACC-1), asks ``domain.tilgang.kan_registrere`` whether the leader may
send this command (ACC-2, the employer's duties only), and hands it to ``service.usecases.commands``:
``les`` validates it as the API does (VAL-1 … VAL-12, T-7, TF-7 for the named case) and ``utfor``
stores it and logs the sender (AUD-2). Nothing is stored when any step refuses (VAL-9); the refusal
keeps its rule and field and gets a message in bokmål (``avvisningstekst``) for the page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any, Final, TypeVar

from domain.errors import DomainError, UgyldigKommandoError
from domain.kalender import OSLO
from domain.kommandoer import SAKSBUNDNE, UNNTAK_TABELL
from domain.tilgang import NL_UNNTAK_FRISTER, Bruker, Rolle, kan_registrere
from service.usecases.commands import Resultat, avvist, les, utfor
from service.usecases.problems import ApiFeil
from service.usecases.queries import Leser, ikke_funnet
from service.usecases.services import Tjenester

T = TypeVar("T")
MOTE_ID: Final = re.compile(r"^web-[0-9a-f]{16}$")

HANDLINGER: Final[dict[str, str]] = {
    "oppfolgingsplan_ferdig": "Plan avtalt",
    "oppfolgingsplan_delt": "Plan delt",
    "dialogmote_innkalt": "Møte innkalt",
    "dialogmote_avholdt": "Møte holdt",
    "dialogmote_avlyst": "Møte avlyst",
    "dialogmote_flyttet": "Møte flyttet",
    "unntak": "Unntak",
}
FLYTT: Final = "dialogmote_flyttet"  # a form of the page only: ``dialogmote_avlyst`` + a new ``dialogmote_innkalt``

ARSAKER: Final[dict[str, str]] = {
    "TILBAKE_UTEN_TILRETTELEGGING": "Tilbake i arbeid uten tilrettelegging",
    "ALVORLIG_SYKDOM": "Alvorlig sykdom",
    "GRADERT_DIALOG_FUNGERER": "Gradert sykmelding, dialogen fungerer",
    "TILRETTELEGGING_FUNGERER": "Tilretteleggingen fungerer",
    "UTSATT_ALVORLIG_SYKDOM": "Utsatt på grunn av alvorlig sykdom",
}


# VAL-9: what the leader reads when the command path refuses a form (the rule ID goes in "Detaljer").
AVVISNINGER: Final[dict[str, str]] = {
    "VAL-1": "Sykmeldingen er ikke gyldig.",
    "VAL-4": "Dette er allerede registrert med et annet innhold.",
    "VAL-5": "Møtet finnes ikke, eller det er allerede holdt eller avlyst.",
    "VAL-6": "Unntaket passer ikke for denne fristen.",
    "VAL-8": "Datoen ligger utenfor sykefraværet.",
    "VAL-10": "Datoen ligger for langt fra i dag: den må være innenfor fem år bakover og to år framover.",
    "VAL-11": "Skjemaet inneholder tegn som ikke er tillatt.",
    "T-7": "Tidspunktet ligger fram i tid.",
    "RP-8": "Den samme deltakeren står to ganger.",
}
VAL_12: Final[dict[tuple[str, str], str]] = {
    (
        "dialogmote_innkalt",
        "tidspunkt",
    ): "Møtet må holdes tidligst på sykefraværets første dag og høyst ett år fram i tid.",
    ("dialogmote_avholdt", "dato"): "Møtet kan ikke være holdt før dagen det var innkalt til, eller etter i dag.",
}


def avvisningstekst(typ: str, feil: DomainError | UgyldigKommandoError) -> str:
    """The refusal in natural bokmål; the rule and the field stay on the error for the details."""
    if isinstance(feil, UgyldigKommandoError):
        return "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen."
    if feil.regel == "VAL-12":
        return VAL_12.get((typ, feil.felt or ""), "Datoen kan ikke være etter i dag.")
    return AVVISNINGER.get(feil.regel, "Registreringen ble ikke godtatt.")


def nl_arsaker() -> list[tuple[str, list[tuple[str, str]]]]:
    """MS-5: the exemption codes a leader may register, per frist (for the form's option groups)."""
    return [
        (frist, [(kode, ARSAKER.get(kode, kode)) for kode in sorted(UNNTAK_TABELL[frist][1])])
        for frist in sorted(NL_UNNTAK_FRISTER, key=list(UNNTAK_TABELL).index)
    ]


def ny_mote_id() -> str:
    """An id for a meeting the form will call; a form sent twice calls it once (VAL-4)."""
    return "web-" + uuid.uuid4().hex[:16]


class Skjemafeil(Exception):
    """A form field that cannot make a command (shown beside the form, nothing stored)."""

    def __init__(self, felt: str, melding: str) -> None:
        super().__init__(melding)
        self.felt = felt
        self.melding = melding


def _dato(skjema: Mapping[str, str], felt: str) -> str:
    verdi = (skjema.get(felt) or "").strip()
    try:
        return date.fromisoformat(verdi).isoformat()
    except ValueError:
        raise Skjemafeil(felt, "Oppgi en dato (åååå-mm-dd).") from None


def _tidspunkt(skjema: Mapping[str, str], felt: str) -> str:
    """A ``datetime-local`` value read as Oslo wall-clock time (T-1)."""
    verdi = (skjema.get(felt) or "").strip()
    try:
        t = datetime.fromisoformat(verdi)
    except ValueError:
        raise Skjemafeil(felt, "Oppgi dato og klokkeslett.") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=OSLO)
    return t.isoformat()


def bygg_kommandoer(skjema: Mapping[str, str], case_id: str, leder_id: str, fnr: str | None) -> list[dict[str, Any]]:
    """The commands of one form. Moving a meeting is two: the new meeting is called (a new id from the
    form) and the old one cancelled, in that order, so the case is never left without its meeting."""
    if skjema.get("type") != FLYTT:
        return [bygg_kommando(skjema, case_id, leder_id, fnr)]
    gammel = skjema.get("id", "")
    ny = dict(skjema) | {"type": "dialogmote_innkalt", "id": skjema.get("ny_id", "")}
    return [
        bygg_kommando(ny, case_id, leder_id, fnr),
        bygg_kommando({"type": "dialogmote_avlyst", "id": gammel}, case_id, leder_id, fnr),
    ]


def bygg_kommando(skjema: Mapping[str, str], case_id: str, leder_id: str, fnr: str | None) -> dict[str, Any]:
    """The command of one form, in the scenarios.md vocabulary; ``Skjemafeil`` for a bad field."""
    typ = skjema.get("type", "")
    if typ not in HANDLINGER or typ == FLYTT:
        raise Skjemafeil("type", "Ukjent handling.")
    data: dict[str, Any] = {"type": typ}
    if typ in SAKSBUNDNE:
        data["case_id"] = case_id
    if typ == "oppfolgingsplan_ferdig":
        data["dato"] = _dato(skjema, "dato")
        if skjema.get("aktivitet_umulig"):
            data["aktivitet_umulig"] = True
    elif typ == "oppfolgingsplan_delt":
        data["dato"] = _dato(skjema, "dato")
        data["mottaker"] = skjema.get("mottaker", "")
    elif typ == "dialogmote_innkalt":
        mote_id = skjema.get("id", "")
        if not MOTE_ID.fullmatch(mote_id) or fnr is None:
            raise Skjemafeil("id", "Skjemaet er utløpt. Last siden på nytt.")
        data |= {
            "id": mote_id,
            "mote": 1,
            "tidspunkt": _tidspunkt(skjema, "tidspunkt"),
            "deltakere": [{"rolle": "NL", "id": leder_id}, {"rolle": "AT", "id": fnr}],
        }
    elif typ == "dialogmote_avholdt":
        data |= {"id": skjema.get("id", ""), "dato": _dato(skjema, "dato")}
    elif typ == "dialogmote_avlyst":
        data["id"] = skjema.get("id", "")
    else:  # unntak
        data |= {"dato": _dato(skjema, "dato"), "frist": skjema.get("frist", ""), "arsak": skjema.get("arsak", "")}
        data["av"] = "NL"
    return data


def registrer(t: Tjenester, b: Bruker, case_id: str, skjema: Mapping[str, str], request_id: str | None) -> Resultat:
    """Send one leader command about one case down the API's command path (see the module docstring).

    Raises ApiFeil(404) for a case the leader may not read, ``Skjemafeil`` for a bad form,
    ``DomainError``/``UgyldigKommandoError`` when the command path refuses the command.
    """
    if b.rolle is not Rolle.NL:
        raise ikke_funnet()
    leser = Leser(t, b, request_id)
    with t.engine.connect() as conn:
        apnet = leser.apne_sak(conn, case_id, frozenset({Rolle.NL}))
    alle = bygg_kommandoer(skjema, case_id, b.sub, apnet.rad.get("fnr"))
    for data in alle:
        if kan_registrere(apnet.tilgang, data["type"], data) is None:
            raise ApiFeil(403, "a leader registers the employer's own duties only", rule="ACC-2")
    lest = [(data, _med_avvisning(t, b, data, request_id, partial(les, t, data))) for data in alle]
    resultater = [  # every command is read and checked before the first is stored
        _med_avvisning(t, b, data, request_id, partial(utfor, t, b, k, request_id)) for data, k in lest
    ]
    return resultater[-1]


def _med_avvisning(t: Tjenester, b: Bruker, data: dict[str, Any], request_id: str | None, steg: Callable[[], T]) -> T:
    """Run one step of the command path; a refusal is logged (AUD-2) and gets its text in bokmål."""
    try:
        return steg()
    except DomainError as e:
        avvist(t, b, data, e, request_id)
        raise type(e)(e.regel, e.felt, avvisningstekst(data["type"], e)) from e
    except UgyldigKommandoError as e:
        avvist(t, b, data, e, request_id)
        raise UgyldigKommandoError(e.felt, avvisningstekst(data["type"], e)) from e
