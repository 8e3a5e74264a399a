"""What the case timeline picture shows, as data: one ``Element`` per bar, event, reminder and deadline.

The same elements make the SVG picture (``tidslinjebilde``) and the table beside it, so a screen
reader gets exactly what the picture shows. Input is what a read already gave the caller: the
events, milestones and reminders of ``service.usecases.queries.Leser.tidslinje`` (filtered by
``domain.tilgang`` for the caller's role), or the same shapes rebuilt "as known at" an instant for
the auditor (T-7). Nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from domain.kalender import OSLO
from service.web.maler import MILEPELNAVN, ROLLENAVN
from service.web.maler import dato as _dato_tekst
from service.web.maler import tidspunkt as _tidspunkt_tekst
from service.web.palett import FARGER

FRIST_SNART_DAGER: Final = 14  # "due soon": within the first "before" rung, D−14 (RM-1, RM-5, RM-11)
SEN_SYKMELDING_DAGER: Final = 7  # a note received more than a week after its first day is marked late

RADER: Final[dict[str, str]] = {
    "frister": "Frister",
    "sykmeldt": "Sykmeldt",
    "arbeidsgiver": "Arbeidsgiver",
    "sykmelder": "Sykmelder",
    "nav": "NAV",
    "tillitsvalgt": "Tillitsvalgt m.fl.",
}
RAD_FOR_ROLLE: Final[dict[str, str]] = {
    "AT": "sykmeldt",
    "NL": "arbeidsgiver",
    "HR": "arbeidsgiver",
    "SYKMELDER": "sykmelder",
    "NAV": "nav",
    "TV": "tillitsvalgt",
    "VO": "tillitsvalgt",
    "BHT": "tillitsvalgt",
}
KORTNAVN: Final[dict[str, str]] = {
    "oppfolgingsplan": "Plan",
    "dialogmote_1": "DM1",
    "aktivitetskrav": "AK",
    "motebehov": "MB",
    "dialogmote_2": "DM2",
    "dialogmote_3": "DM3",
    "maksdato": "Maks",
}
STADIER: Final[dict[str, str]] = {
    "before": "før frist",
    "overdue": "forfalt",
    "escalation": "eskalering",
    "info": "informasjon",
    "meeting": "møte",
    "task": "oppgave",
    "prompt": "spørsmål",
}
PAMINNELSE_STATUS: Final[dict[str, str]] = {"sent": "sendt", "cancelled": "kansellert", "planned": "planlagt"}
MOTTAKERE: Final[dict[str, str]] = {"sykmelder": "sykmelder", "nav": "NAV"}


@dataclass(frozen=True)
class Element:
    """One thing on the timeline. ``til`` is set for bars (sick-note periods), None for points.

    ``art``: ``stolpe`` (bar), ``frist`` (deadline pin), ``hendelse`` (an event), ``paminnelse``.
    ``stil``: the bar kind (palett.STOLPER), the status of a pin (palett.FARGER) or a reminder's status.
    """

    rad: str
    fra: date
    til: date | None
    art: str
    stil: str
    tekst: str
    beskrivelse: str
    status: str | None = None
    kind: str | None = None  # the milestone of a deadline pin or a reminder


def frist_status(status: str, due: date | None, idag: date) -> str:
    """The colour key of a milestone on ``idag``: MS-3's status, with ``snart`` for pending and due
    within FRIST_SNART_DAGER days."""
    if status == "pending" and due is not None and 0 <= (due - idag).days <= FRIST_SNART_DAGER:
        return "snart"
    return status


def _d(v: Any) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return _oslo(v).date()
    if isinstance(v, date):
        return v
    tekst = str(v)
    if len(tekst) > 10:
        return _oslo(datetime.fromisoformat(tekst)).date()
    return date.fromisoformat(tekst)


def _oslo(t: datetime) -> datetime:
    return (t if t.tzinfo is not None else t.replace(tzinfo=UTC)).astimezone(OSLO)


def frister(milepeler: Iterable[Mapping[str, Any]], idag: date) -> list[Element]:
    ut = []
    for m in milepeler:
        due = _d(m.get("due"))
        if due is None:
            continue
        stil = frist_status(str(m["status"]), due, idag)
        met_on = _d(m.get("met_on"))
        if m.get("late") and met_on is not None and met_on > due:
            stil = "late"  # MS-7: met after the due date is its own status, not a green "Oppfylt"
        navn = MILEPELNAVN.get(m["kind"], m["kind"])
        tekst = f"{navn}: frist {_dato_tekst(due)}, {FARGER[stil].navn.lower() if stil in FARGER else stil}"
        if met_on is not None:
            tekst += f" ({_dato_tekst(met_on)})"
        kort = KORTNAVN.get(m["kind"], m["kind"])
        ut.append(Element("frister", due, None, "frist", stil, kort, tekst, stil, kind=str(m["kind"])))
    return ut


# Why a reminder was not sent, in words (the reason codes of rules.md §6.2, plus ``erased``).
GRUNNTEKST: dict[str, str] = {
    "not_absent": "den sykmeldte var ikke borte den dagen",
    "met": "fristen var oppfylt",
    "exempt": "unntak er registrert",
    "lapsed": "saken ble avsluttet før fristen",
    "not_applicable": "gjelder ikke denne saken",
    "not_reaching_deadline": "sykefraværet varer ikke til fristen",
    "not_mandatory": "møtet er ikke påkrevd",
    "mandatory": "møtet er påkrevd",
    "innkalt": "møtet er innkalt",
    "activity": "den sykmeldte er i aktivitet",
    "shared": "planen er delt",
    "vurdert": "NAV har vurdert saken",
    "not_fully_absent": "den sykmeldte er ikke helt borte",
    "utdypende": "utdypende opplysninger er gitt",
    "avlyst": "møtet er avlyst",
    "held": "møtet er holdt",
    "no_consent": "samtykket er trukket",
    "no_recipient": "ingen mottaker er registrert",
    "erased": "opplysningene er slettet",
}


def paminnelser(rader: Iterable[Mapping[str, Any]]) -> list[Element]:
    ut = []
    for p in rader:
        d = _d(p["at"])
        rolle = p["recipient"]["role"]
        if d is None or rolle not in RAD_FOR_ROLLE:
            continue
        status = str(p["status"])
        hva = f"{MILEPELNAVN.get(p['milestone'], p['milestone'])} ({STADIER.get(p['stage'], p['stage'])})"
        tekst = f"Påminnelse {PAMINNELSE_STATUS.get(status, status)} til {ROLLENAVN.get(rolle, rolle)}: {hva}"
        if p.get("reason"):
            tekst += f" ({GRUNNTEKST.get(str(p['reason']), 'annen grunn')})"  # rule ids stay in the data, not the text
        ut.append(Element(RAD_FOR_ROLLE[rolle], d, None, "paminnelse", status, "", tekst, status, kind=p["milestone"]))
    return ut


def hendelser(rader: Sequence[Mapping[str, Any]], case_start: date) -> list[Element]:
    """Bars and event markers from the case's events (``type``, ``recorded``, ``data``)."""
    annullert = {h["data"].get("id") for h in rader if h["type"] == "sykmelding_annullert"}
    moter: dict[str, dict[str, Any]] = {}
    for h in rader:
        if h["type"] in ("dialogmote_avholdt", "dialogmote_avlyst"):
            moter[str(h["data"].get("id"))] = {"type": h["type"], "data": h["data"]}
    ut: list[Element] = []
    for h in rader:
        ut += _element(h, annullert, moter, case_start)
    return ut


def _element(
    h: Mapping[str, Any], annullert: set[Any], moter: dict[str, dict[str, Any]], case_start: date
) -> list[Element]:
    typ, data = h["type"], h["data"]
    mottatt = _d(h.get("recorded"))
    if typ == "sykmelding":
        return _sykmelding(data, data.get("id") in annullert, mottatt)
    if typ == "egenmelding":
        fom, tom = _d(data["fom"]), _d(data["tom"])
        if fom is None or tom is None:
            return []
        tekst = f"Egenmelding {_dato_tekst(fom)}–{_dato_tekst(tom)}"
        return [Element("sykmeldt", fom, tom, "stolpe", "egenmelding", "egenm.", tekst)]
    dato = _d(data.get("dato")) or mottatt
    if dato is None:
        return []
    if typ == "arbeid_gjenopptatt":
        return [_punkt("sykmeldt", dato, "Tilbake", f"Tilbake i arbeid fra {_dato_tekst(dato)}")]
    if typ == "sykmelding_annullert":
        return [_punkt("sykmelder", dato, "Annullert", f"Sykmelding {data.get('id')} annullert")]
    if typ == "narmeste_leder":
        fom = max(_d(data["fom"]) or case_start, case_start)
        return [_punkt("arbeidsgiver", fom, "Ny leder", f"Nærmeste leder {data.get('leder_id')} fra {data['fom']}")]
    if typ == "oppfolgingsplan_ferdig":
        umulig = ", aktivitet ikke mulig på arbeidsplassen" if data.get("aktivitet_umulig") else ""
        return [_punkt("arbeidsgiver", dato, "Plan avtalt", f"Oppfølgingsplan avtalt{umulig}")]
    if typ == "oppfolgingsplan_delt":
        til = MOTTAKERE.get(str(data.get("mottaker")), str(data.get("mottaker")))
        return [_punkt("arbeidsgiver", dato, f"Plan delt ({til})", f"Oppfølgingsplan delt med {til}")]
    if typ in ("unntak", "unntak_trukket"):
        rad = (
            "nav"
            if data.get("av") == "NAV" or data.get("frist") in ("aktivitetskrav", "dialogmote_2")
            else "arbeidsgiver"
        )
        navn = MILEPELNAVN.get(str(data.get("frist")), str(data.get("frist")))
        if typ == "unntak_trukket":
            return [_punkt(rad, dato, "Unntak trukket", f"Unntak for {navn.lower()} trukket")]
        grunn = f" ({data['arsak']})" if data.get("arsak") else ""
        return [_punkt(rad, dato, "Unntak", f"Unntak for {navn.lower()}{grunn}")]
    if typ == "dialogmote_innkalt":
        return _mote(data, mottatt or dato, moter)
    if typ == "dialogmote_svar":
        rad = RAD_FOR_ROLLE.get(str(data.get("part")), "arbeidsgiver")
        svar = "nyttig" if data.get("hensiktsmessig") else "ikke nyttig"
        return [_punkt(rad, dato, "Svar", f"Svar om dialogmøte 1: {svar}")]
    if typ == "dialogmote_onsket":
        rad = RAD_FOR_ROLLE.get(str(data.get("av")), "arbeidsgiver")
        return [_punkt(rad, dato, f"Ønsker DM{data.get('mote')}", f"Ber NAV om dialogmøte {data.get('mote')}")]
    if typ == "aktivitetskrav_vurdert":
        utfall = str(data.get("utfall", "")).replace("_", " ").lower()
        return [_punkt("nav", dato, f"AK {utfall}", f"Aktivitetskrav vurdert: {utfall}")]
    if typ in ("samtykke_gitt", "samtykke_trukket"):
        rolle = ROLLENAVN.get(str(data.get("rolle")), str(data.get("rolle")))
        hva = "gitt" if typ == "samtykke_gitt" else "trukket"
        return [_punkt("tillitsvalgt", dato, f"Samtykke {hva}", f"Samtykke {hva} for {rolle}")]
    return []


def _punkt(rad: str, d: date, tekst: str, beskrivelse: str) -> Element:
    return Element(rad, d, None, "hendelse", "hendelse", tekst, beskrivelse)


def _sykmelding(data: Mapping[str, Any], annullert: bool, mottatt: date | None) -> list[Element]:
    ut = []
    for p in data.get("perioder", ()):
        fom, tom = _d(p["fom"]), _d(p["tom"])
        if fom is None or tom is None:
            continue
        grad = int(p.get("grad", 100))
        stil = "annullert" if annullert else ("helt" if grad == 100 and not p.get("reisetilskudd") else "gradert")
        tekst = f"{grad} %" + (" reisetilskudd" if p.get("reisetilskudd") else "")
        beskrivelse = f"Sykmeldt {tekst} {_dato_tekst(fom)}–{_dato_tekst(tom)}" + (" (annullert)" if annullert else "")
        ut.append(
            Element("sykmeldt", fom, tom, "stolpe", stil, tekst + (" annullert" if annullert else ""), beskrivelse)
        )
    if mottatt is not None:
        forste = min((d for p in data.get("perioder", ()) if (d := _d(p["fom"])) is not None), default=None)
        beskrivelse = f"Sykmelding {data.get('id', '')} mottatt"
        tekst = ""  # a note on time is only a dot; a late one, which moves deadlines (T-7), is named
        if forste is not None and mottatt > forste + timedelta(days=SEN_SYKMELDING_DAGER):
            tekst = "Sen sykmelding"
            beskrivelse += f", {(mottatt - forste).days} dager etter første sykedag"
        ut.append(_punkt("sykmelder", mottatt, tekst, beskrivelse))
    return ut


def _mote(data: Mapping[str, Any], innkalt: date, moter: dict[str, dict[str, Any]]) -> list[Element]:
    nr = data.get("mote")
    rad = "arbeidsgiver" if nr == 1 else "nav"
    naar = f" til {_tidspunkt_tekst(data['tidspunkt'])}" if data.get("tidspunkt") else ""
    ut = [_punkt(rad, innkalt, f"DM{nr} innkalt", f"Dialogmøte {nr} innkalt{naar}")]
    tid = _d(data.get("tidspunkt"))
    utfall = moter.get(str(data.get("id")))
    if utfall is not None and utfall["type"] == "dialogmote_avholdt":
        holdt = _d(utfall["data"].get("dato")) or tid
        if holdt is not None:
            ut.append(_punkt(rad, holdt, f"DM{nr} holdt", f"Dialogmøte {nr} holdt"))
    elif tid is not None:
        avlyst = utfall is not None
        tekst = f"DM{nr} avlyst" if avlyst else f"DM{nr} møte"
        hva = "avlyst" if avlyst else "berammet"
        ut.append(_punkt(rad, tid, tekst, f"Dialogmøte {nr} {hva} {_tidspunkt_tekst(data['tidspunkt'])}"))
    return ut
