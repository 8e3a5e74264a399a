"""Who may read what (rules.md §7: ACC-1 … ACC-7, CON-1 … CON-3, PRIV-2), in one place.

Default deny (ACC-1): every decision starts from "no" and names the rule that turns it into
"yes". The functions are pure: the caller gathers a ``SakKontekst`` from the read models and the
read date from its clock, so the same facts always give the same answer. A refused read and a read
of a case that does not exist look the same to the caller (``None``), so nobody can probe for cases.

What each role sees of a case it may read (``Synlighet``):

- AT sees everything about themself (ACC-5).
- NL sees its employee's case at its own virksomhet: the employer duties' milestones
  (oppfølgingsplan, dialogmøte 1, aktivitetskrav; TF-9), the case's documents without
  ``medisinske_grunner``/``utdypende_opplysninger`` and without the ground of NAV's exemptions
  (PRIV-2), meetings, and the reminders to the leader and HR. Never other employers' cases, the
  person tilfelle, maksdato, NAV assessments or consents (ACC-3; CON-2).
- HR sees deadlines, statuses and the reminders to the leader and HR (escalations), no documents
  and no plan content (ACC-4).
- NAV may read every case (ACC-8: reading one case stays open to every NAV user; the lists default to
  the offices the token names, ``Bruker.enheter``, see ``service.usecases.navvisning``), all
  milestones, sick notes, exemptions, assessments, NAV meetings, plans only once shared with NAV,
  and its own tasks (ACC-6).
- SYKMELDER sees the case only as far as it is part of it: its own sick notes, plans shared with the
  sykmelder, meetings it is invited to (dialogmøte 1 only with consent, CON-1) and its reminders (ACC-6).
- TV, VO and BHT see the meetings they take part in, and the plan with ``omfang: mote_og_plan``,
  only while the employee's consent is active and the case open (CON-1, CON-3).
- AUDITOR reads everything, pseudonymised (no fnr) unless it breaks the glass with a reason (ACC-7).
- SYSTEM (integrations) only writes commands; NAV may also assign a person to an office and a
  veileder (``nav_enhet``, ACC-8).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.begreper import Milepelstype
from domain.begreper import Rolle as Rolle  # defined once, in the domain
from domain.innstillinger import Innstillinger
from domain.milepeler import KINDS

SAMTYKKE_ROLLER = frozenset({Rolle.TV, Rolle.VO, Rolle.BHT})  # CON-1
SAKSLESERE = frozenset({Rolle.AT, Rolle.NL, Rolle.HR, Rolle.NAV, Rolle.AUDITOR})  # case with milestones
TIDSLINJELESERE = frozenset(Rolle) - {Rolle.SYSTEM}
HISTORIKKLESERE = frozenset({Rolle.AT, Rolle.AUDITOR})  # ACC-5, ACC-7: the raw event history
LISTELESERE = frozenset({Rolle.AT, Rolle.NL, Rolle.HR, Rolle.NAV, Rolle.AUDITOR})
INNBOKSLESERE = frozenset(Rolle) - {Rolle.SYSTEM, Rolle.AUDITOR}  # recipients of reminders
SKRIVERE = frozenset({Rolle.SYSTEM, Rolle.NAV})  # who may send some command; AUDITOR is read-only (ACC-7)
# Which commands a role other than SYSTEM may send through the API; SYSTEM (integrations) sends all.
# NAV assigns its own offices and veiledere (ACC-8); people otherwise act through integrations.
KOMMANDOER_FOR_ROLLE: dict[Rolle, frozenset[str]] = {Rolle.NAV: frozenset({"nav_enhet"})}
ARBEIDSGIVER = frozenset({Rolle.NL, Rolle.HR})

# TF-9: the employer duties use the case tilfelle; the rest are NAV's person-level milestones.
# ACC-3: dialogmøte 3 and maksdato count sick days at other employers, so they are NAV-only data
# (AT, NAV, AUDITOR); the leader and HR see the five milestones about the employer's follow-up.
ALLE_MILEPELER = frozenset(KINDS)
NAV_ALENE = frozenset({Milepelstype.DIALOGMOTE_3, Milepelstype.MAKSDATO})
ARBEIDSGIVERS_MILEPELER = ALLE_MILEPELER - NAV_ALENE


@dataclass(frozen=True)
class Bruker:
    """The authenticated caller: token subject and role; for AT, the person stream of the subject."""

    sub: str
    rolle: Rolle
    person_id: str | None = None  # AT only: HMAC of the fnr, never the fnr itself (PRIV-3)
    begrunnelse: str | None = None  # a reason given with the request (recorded, AUD-1)
    brudd_glass: bool = False  # AUDITOR broke the glass: identity numbers are shown (ACC-7)
    enheter: tuple[str, ...] = ()  # NAV: the offices the token names (ACC-8); lists default to them


@dataclass(frozen=True)
class Lederrelasjon:
    """One ``narmeste_leder`` command of the person: ``nr`` orders arrival (RP-9 ties)."""

    orgnr: str
    leder_id: str
    fom: date
    nr: int


@dataclass(frozen=True)
class Samtykkehendelse:
    """``samtykke_gitt`` (omfang set) or ``samtykke_trukket`` (omfang None) of the case, in arrival order."""

    rolle: str
    person_id: str
    omfang: str | None


@dataclass(frozen=True)
class Motedeltakelse:
    mote_id: str
    mote: int
    rolle: str
    id: str


@dataclass(frozen=True)
class SakKontekst:
    """The facts an access decision needs about one case, as the read models know them."""

    case_id: str
    person_id: str
    orgnr: str
    start: date
    slutt: date
    lukkes: date
    ledere: tuple[Lederrelasjon, ...] = ()
    samtykker: tuple[Samtykkehendelse, ...] = ()
    sykmeldere: frozenset[str] = frozenset()
    moter: tuple[Motedeltakelse, ...] = ()
    plan_delt_med: frozenset[str] = frozenset()  # ``oppfolgingsplan_delt`` mottakere: sykmelder, nav
    hr_id: str | None = None  # the virksomhet's HR on the read date (ACC-4)


@dataclass(frozen=True)
class Synlighet:
    """What the caller may see of a case once access is granted."""

    milepeler: frozenset[str]  # milestone kinds shown
    person_tilfelle: bool  # person tilfelle and maksdato (NAV data, ACC-3)
    fnr: bool  # the employee's identity number
    hendelser: bool  # the case's documents and commands at all
    paminnelser: bool  # reminders at all


@dataclass(frozen=True)
class Tilgang:
    """Access granted: the rule that allows it (AUD-1 "access basis") and what may be shown."""

    grunnlag: str
    bruker: Bruker
    kontekst: SakKontekst
    synlighet: Synlighet
    idag: date


def pluss_maneder(d: date, n: int) -> date:
    """The same day-of-month n months later; the month's last day if that day does not exist (ACC-2)."""
    maned = d.month - 1 + n
    aar, maned = d.year + maned // 12, maned % 12 + 1
    return date(aar, maned, min(d.day, calendar.monthrange(aar, maned)[1]))


def leder_pa(ledere: Sequence[Lederrelasjon], orgnr: str, d: date) -> str | None:
    """RP-9 / ACC-2: the leader of (fnr, orgnr) with the latest ``fom <= d``; ties: the later received.

    A former leader is no longer returned from 00:00 on the new leader's ``fom``.
    """
    beste: Lederrelasjon | None = None
    for r in ledere:
        if r.orgnr == orgnr and r.fom <= d and (beste is None or (r.fom, r.nr) >= (beste.fom, beste.nr)):
            beste = r
    return beste.leder_id if beste else None


def aktivt_samtykke(k: SakKontekst, rolle: str, person_id: str, d: date) -> str | None:
    """CON-1 / CON-3: the ``omfang`` of the person's consent for this case on date d, or None.

    The latest consent command for (rolle, person_id) decides; a withdrawal ends it at once, and
    consent lasts no longer than the case (closed after ``lukkes``).
    """
    omfang: str | None = None
    for s in k.samtykker:
        if s.rolle == rolle and s.person_id == person_id:
            omfang = s.omfang
    return omfang if omfang is not None and d <= k.lukkes else None


def leder_har_tilgang(k: SakKontekst, leder_id: str, d: date, inn: Innstillinger) -> bool:
    """ACC-2: an active relation in the same virksomhet on d, and d within the tilfelle or at most
    ``leader_access_months`` after its end."""
    if leder_pa(k.ledere, k.orgnr, d) != leder_id:
        return False
    return k.start <= d <= pluss_maneder(k.slutt, inn.leader_access_months)


# ACC-9: whether an oppfølgingsplan exists is plan data. The employer side and AT see the milestone in
# full, and so does AUDITOR (ACC-7; ACC-9 does not name it); every other role sees its due date and
# only whether the plan was agreed and shared with that role.
PLAN_I_SIN_HELHET = frozenset({Rolle.AT, Rolle.NL, Rolle.HR, Rolle.AUDITOR})
PLANMILEPEL = "oppfolgingsplan"
DELT = "shared"
IKKE_DELT = "not_shared"


def _synlighet(rolle: Rolle, bruker: Bruker) -> Synlighet:
    if rolle in (Rolle.AT, Rolle.NAV):
        return Synlighet(ALLE_MILEPELER, person_tilfelle=True, fnr=True, hendelser=True, paminnelser=True)
    if rolle is Rolle.AUDITOR:
        return Synlighet(ALLE_MILEPELER, True, fnr=bruker.brudd_glass, hendelser=True, paminnelser=True)
    if rolle is Rolle.NL:
        return Synlighet(ARBEIDSGIVERS_MILEPELER, False, fnr=True, hendelser=True, paminnelser=True)
    if rolle is Rolle.HR:
        return Synlighet(ARBEIDSGIVERS_MILEPELER, False, fnr=True, hendelser=False, paminnelser=True)
    # SYKMELDER, TV, VO, BHT: their own part of the case only, no identity number; of the milestones
    # only the oppfølgingsplan's due date and whether it was shared with them (ACC-9).
    return Synlighet(frozenset({PLANMILEPEL}), False, fnr=False, hendelser=True, paminnelser=True)


def vurder_sak(bruker: Bruker, k: SakKontekst, idag: date, inn: Innstillinger) -> Tilgang | None:
    """ACC-1: None (deny) unless a rule grants this caller access to this case on ``idag``."""
    grunnlag = _grunnlag(bruker, k, idag, inn)
    if grunnlag is None:
        return None
    return Tilgang(grunnlag, bruker, k, _synlighet(bruker.rolle, bruker), idag)


def _grunnlag(b: Bruker, k: SakKontekst, d: date, inn: Innstillinger) -> str | None:
    r = b.rolle
    if r is Rolle.AT:
        return "ACC-5" if b.person_id is not None and b.person_id == k.person_id else None
    if r is Rolle.NL:
        return "ACC-2" if leder_har_tilgang(k, b.sub, d, inn) else None
    if r is Rolle.HR:
        return "ACC-4" if k.hr_id is not None and k.hr_id == b.sub else None
    if r is Rolle.NAV:
        return "ACC-6"
    if r is Rolle.AUDITOR:
        return "ACC-7"
    if r is Rolle.SYKMELDER:
        if b.sub in k.sykmeldere or any(inviterte(k, m, b, d) for m in k.moter):
            return "ACC-6"
        return "CON-1" if aktivt_samtykke(k, r.value, b.sub, d) else None
    if r in SAMTYKKE_ROLLER:
        return "CON-1" if aktivt_samtykke(k, r.value, b.sub, d) else None
    return None  # SYSTEM and anything unknown: default deny (ACC-1)


def inviterte(k: SakKontekst, m: Motedeltakelse, b: Bruker, d: date) -> bool:
    """The caller is a listed participant; dialogmøte 1 needs the employee's consent for a sykmelder,
    and TV/VO/BHT always need it (CON-1)."""
    if m.rolle != b.rolle.value or m.id != b.sub:
        return False
    trenger_samtykke = b.rolle in SAMTYKKE_ROLLER or (b.rolle is Rolle.SYKMELDER and m.mote == 1)
    return not trenger_samtykke or aktivt_samtykke(k, b.rolle.value, b.sub, d) is not None


# ---------------------------------------------------------------- endpoints that are not one case


def kan_skrive(b: Bruker) -> bool:
    """May the caller send any command at all (ACC-1)? ``kan_sende`` decides each command."""
    return b.rolle in SKRIVERE


def kan_sende(b: Bruker, typ: object) -> bool:
    """ACC-1, ACC-8: SYSTEM sends every command type; NAV only ``nav_enhet``; everyone else none."""
    if b.rolle is Rolle.SYSTEM:
        return True
    return isinstance(typ, str) and typ in KOMMANDOER_FOR_ROLLE.get(b.rolle, frozenset())


def kan_liste(b: Bruker) -> bool:
    return b.rolle in LISTELESERE


def kan_lese_innboks(b: Bruker) -> bool:
    return b.rolle in INNBOKSLESERE


# ---------------------------------------------------------------- the leader's own commands (web pages, issue 6)
# The API lets only SYSTEM write: people act through integrations. The leader's page ("Mine
# sykmeldte") registers the employer's own duties directly, so the leader gets a write permission no
# wider than its read permission: on a case it may read on that day under ACC-2, only the commands of
# the employer's duties (aml § 4-6: OP-3, OP-4, OP-5, DM1-1, DM1-4, DM1-5; MS-5 exemptions av NL).
# Everything else (sick notes, NAV's assessments and meetings, consents) stays with its own source.

NL_KOMMANDOER = frozenset(
    {
        "oppfolgingsplan_ferdig",
        "oppfolgingsplan_delt",
        "dialogmote_innkalt",
        "dialogmote_avholdt",
        "dialogmote_avlyst",
        "unntak",
    }
)
NL_UNNTAK_FRISTER = frozenset({"oppfolgingsplan", "dialogmote_1"})  # MS-5: the frister registered av NL


def kan_registrere(t: Tilgang, typ: str, data: Mapping[str, Any]) -> str | None:
    """ACC-1/ACC-2: the rule that lets the caller send this command about the case of ``t``, or None.

    Only a leader with ACC-2 access; only the employer's duties. A meeting the leader calls is a
    dialogmøte 1 of this case with the leader itself as the NL participant (DM1-1, DM1-7); a meeting
    it holds or cancels is a dialogmøte 1 of this case (DM1-4, DM1-5); an exemption is the leader's
    own (``av: NL``, MS-5). The command's content is still validated by the command path (VAL-*).
    """
    b = t.bruker
    if b.rolle is not Rolle.NL or t.grunnlag != "ACC-2" or typ not in NL_KOMMANDOER:
        return None
    if typ == "unntak" and (data.get("av") != "NL" or data.get("frist") not in NL_UNNTAK_FRISTER):
        return None
    if typ == "dialogmote_innkalt":
        deltakere = data.get("deltakere")
        if data.get("mote") != 1 or not isinstance(deltakere, list):
            return None
        if {"rolle": "NL", "id": b.sub} not in deltakere:
            return None
    if typ in ("dialogmote_avholdt", "dialogmote_avlyst"):
        egne = {m.mote_id for m in t.kontekst.moter if m.mote == 1}
        if data.get("id") not in egne:
            return None
    return "ACC-2"
