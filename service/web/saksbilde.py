"""The case pages: the timeline picture for the parties, and the auditor's replay "as known at" (T-7).

Both read through ``service.usecases.queries.Leser``, so the access rules (``domain.tilgang``) and the audit
log (AUD-1) are the API's own: a case the caller may not read raises the API's 404 whether or not it
exists (ACC-1), and each view writes its record before anything is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Final
from uuid import UUID

from domain.kalender import OSLO
from domain.tilgang import TIDSLINJELESERE, Bruker, Rolle
from domain.validering import i_tidsrom
from service.observability import logger
from service.usecases.history import pseudonymiser
from service.usecases.problems import ApiFeil
from service.usecases.queries import REFERERENDE, Leser
from service.usecases.services import Tjenester
from service.web import tidslinjedata as data
from service.web.fristord import ansattnavn
from service.web.lederliste import Mote, aktive_moter, med_ord
from service.web.maler import dato
from service.web.tidslinjebilde import Bilde, tegn, vindu

MOTEPARTER: Final = frozenset({Rolle.NL, Rolle.AT})  # dialogmøte 1 is the employer's meeting with the employee
VINDUER: Final[dict[str, str]] = {"1m": "Siste måned", "3m": "Siste tre måneder", "alt": "Hele saken"}


@dataclass
class Saksvisning:
    """What the timeline page shows of one case."""

    case_id: str
    orgnr: str
    fnr: str | None
    start: date
    slutt: date
    lukkes: date
    idag: date
    grunnlag: str
    milepeler: list[dict[str, Any]]
    bilde: Bilde
    vindu: str
    navn: str | None = None  # PRIV-4: the name first, for the roles that may know who it is
    moter: list[Mote] = field(default_factory=list)  # dialogmøte 1 called, not yet held or cancelled


def _bilde(case_id: str, elementer: list[data.Element], start: date, lukkes: date, idag: date, valg: str) -> Bilde:
    fra, til = vindu(valg, start, lukkes, idag, elementer)
    tittel = f"Tidslinje for sak {case_id[:8]}, {dato(fra)} til {dato(til)}"
    return tegn(elementer, fra, til, idag, tittel, start=start)


def for_sak(t: Tjenester, b: Bruker, request_id: str | None, case_id: str, valg: str) -> Saksvisning:
    """The timeline page: ``Leser.tidslinje`` decides what this role sees and logs the read (AUD-1)."""
    leser = Leser(t, b, request_id)
    svar = leser.tidslinje(case_id)
    with t.engine.connect() as conn:
        apnet = leser.apne_sak(conn, case_id, TIDSLINJELESERE)  # the same decision, for the heading
    rad, idag = apnet.rad, leser.idag
    elementer = [
        *data.hendelser(svar["events"], rad["start"]),
        *data.frister(svar["milestones"], idag),
        *data.paminnelser(svar["reminders"]),
    ]
    kjent = apnet.tilgang.synlighet.fnr
    return Saksvisning(
        case_id=case_id,
        orgnr=rad["orgnr"],
        fnr=rad["fnr"] if kjent else None,
        navn=ansattnavn(rad, apnet.hendelser) if kjent else None,
        moter=aktive_moter(apnet.hendelser, case_id, t.naa()) if apnet.tilgang.bruker.rolle in MOTEPARTER else [],
        start=rad["start"],
        slutt=rad["slutt"],
        lukkes=rad["lukkes"],
        idag=idag,
        grunnlag=svar["access_basis"],
        milepeler=[med_ord(m, idag) for m in svar["milestones"]],
        bilde=_bilde(case_id, elementer, rad["start"], rad["lukkes"], idag, valg),
        vindu=valg,
    )


@dataclass
class Revisjonsvisning:
    """The auditor's view: the stream's history, the case as known at ``as_of``, and the chain check."""

    case_id: str
    person_id: str
    as_of: datetime | None
    kjent: bool  # the case existed as known at as_of
    idag: date
    historikk: list[dict[str, Any]]
    milepeler: list[dict[str, Any]]
    start: date | None
    slutt: date | None
    bilde: Bilde | None
    vindu: str
    integritet: dict[str, Any] | None
    tider: list[str] = field(default_factory=list)  # the slider's stops: each event's recorded instant


def les_as_of(verdi: str | None) -> datetime | None:
    """A ``datetime-local`` value (Oslo wall clock, T-1), or a date meaning the end of that day."""
    if not verdi:
        return None
    verdi = verdi.strip()
    try:
        if len(verdi) == 10:
            t = datetime.combine(date.fromisoformat(verdi), time(23, 59, 59), OSLO)
        else:
            t = datetime.fromisoformat(verdi)
    except ValueError:
        raise ApiFeil(400, "as_of: oppgi dato og klokkeslett", rule="T-1", field="as_of") from None
    t = t if t.tzinfo is not None else t.replace(tzinfo=OSLO)
    if not i_tidsrom(t):  # VAL-10
        raise ApiFeil(400, "as_of: oppgi et tidspunkt mellom år 2000 og 2099", rule="VAL-10", field="as_of")
    return t


def for_revisor(
    t: Tjenester, b: Bruker, request_id: str | None, case_id: str, as_of: datetime | None, valg: str
) -> Revisjonsvisning:
    """AUD-2 / ACC-7: history (logged as ``historikk``) and the case as known at ``as_of`` (``sak:as_of``)."""
    leser = Leser(t, b, request_id)
    hist = leser.historikk(case_id)  # HISTORIKKLESERE only (AT, AUDITOR); 404 otherwise
    idag = leser.idag
    hendelser = hist["events"]
    for h in hendelser:
        h["kjent"] = as_of is None or h["recorded"] is None or h["recorded"] <= as_of
        h["denne"] = h["case_id"] == case_id
    tider = [_lokal(h["recorded"]) for h in hendelser if h["recorded"] is not None]
    try:
        sak = leser.sak(case_id, as_of, None)
    except ApiFeil as e:
        if e.status != 404:
            raise
        return Revisjonsvisning(
            case_id, hist["person_id"], as_of, False, idag, hendelser, [], None, None, None, valg,
            integritet(t, case_id), tider,
        )  # fmt: skip
    start, slutt, lukkes = (date.fromisoformat(str(sak[n])[:10]) for n in ("start", "end", "closed_on"))
    pa = date.fromisoformat(str(sak["date"])[:10]) if as_of is not None else idag
    kjent = t.app.som_kjent(UUID(hist["person_id"]), as_of=as_of, idag=pa)
    paminnelser = [_pseudonymisert(t, p) for p in kjent["reminders"] if _gjelder(p, case_id, start, lukkes)]
    milepeler = [m | {"farge": data.frist_status(m["status"], _dag(m["due"]), pa)} for m in sak["milestones"]]
    elementer = [
        *data.hendelser(_som_tidslinje(hendelser, case_id), start),
        *data.frister(milepeler, pa),
        *data.paminnelser(paminnelser),
    ]
    return Revisjonsvisning(
        case_id=case_id,
        person_id=hist["person_id"],
        as_of=as_of,
        kjent=True,
        idag=pa,
        historikk=hendelser,
        milepeler=milepeler,
        start=start,
        slutt=slutt,
        bilde=_bilde(case_id, elementer, start, lukkes, pa, valg),
        vindu=valg,
        integritet=integritet(t, case_id),
        tider=tider,
    )


def _dag(v: Any) -> date | None:
    return None if v is None else date.fromisoformat(str(v)[:10])


def _lokal(t: datetime) -> str:
    return t.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


def _som_tidslinje(hendelser: list[dict[str, Any]], case_id: str) -> list[dict[str, Any]]:
    """History rows marked known (``kjent``) in the shape of the timeline's events: the case's commands, and the
    annulments and meeting outcomes that name them by id."""
    kjente = [h for h in hendelser if h["command_type"] is not None and h["kjent"]]
    ider = {
        (h["command_type"], h["payload"].get("data", {}).get("id"))
        for h in kjente
        if h["case_id"] == case_id and h["command_type"] in ("sykmelding", "dialogmote_innkalt")
    }
    ut = []
    for h in kjente:
        typ, d = h["command_type"], h["payload"].get("data", {})
        if h["case_id"] == case_id or (typ in REFERERENDE and (REFERERENDE[typ], d.get("id")) in ider):
            ut.append({"type": typ, "recorded": h["recorded"], "data": d, "version": h["version"]})
    return ut


def _gjelder(p: dict[str, Any], case_id: str, start: date, lukkes: date) -> bool:
    """The case's own rungs, and the person-level rungs sent while this case was open (TF-9)."""
    if p.get("case_id") is not None:
        return bool(p["case_id"] == case_id)
    d = datetime.fromisoformat(p["at"]).astimezone(OSLO).date()
    return start <= d <= lukkes


def _pseudonymisert(t: Tjenester, p: dict[str, Any]) -> dict[str, Any]:
    """ACC-7: no identity number in the auditor's view; the arbeidstaker's address is their fnr (RP-9)."""
    ut: dict[str, Any] = pseudonymiser(p, t.pseudonym)
    if p["recipient"]["role"] == "AT":
        ut["recipient"] = {"role": "AT", "id": None}
    return ut


def integritet(t: Tjenester, case_id: str) -> dict[str, Any] | None:
    """The hash-chain check of the case's stream (``service.compliance.verify.verifiser``), None when the
    service has no such check."""
    try:
        from service.compliance.verify import verifiser
    except ImportError:
        return None
    try:
        rapport = verifiser(t.app, t.engine, case_id=case_id)
    except Exception as e:  # the page must still show the history; the check's failure is reported on it
        logger().error("integrity_check_failed", error=type(e).__name__)
        return {"ok": False, "feilet": True}
    forste = rapport.forste
    return {
        "ok": rapport.ok,
        "feilet": False,
        "hendelser": rapport.hendelser,
        "kjederader": rapport.kjederader,
        "hode": rapport.hode,
        "brudd": len(rapport.brudd),
        "forste": forste.som_dict() if forste is not None else None,
    }
