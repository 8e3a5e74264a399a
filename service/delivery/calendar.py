"""Calendar feed (RFC 5545) of deadlines and meetings for one recipient, plus its access token.

Building the feed is a pure function: DTSTAMP comes from each entry's ``endret``, never the
wall clock, and entries are ordered by UID, so the same input always gives the same bytes and
clients see no spurious changes. A date deadline becomes an all-day event; a meeting time
becomes a timed event written in UTC (no VTIMEZONE needed).

Privacy (RP-10): titles and descriptions end up in third-party calendar apps, so the *caller*
must give neutral titles ("Frist: oppfølgingsplan", "Dialogmøte") without names,
fødselsnummer, grades, diagnoses or the word "sykmelding". This module adds no LOCATION:
where a meeting takes place is only shown behind login, via the link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from icalendar import Calendar, Event
from sqlalchemy import Connection, func, select

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

PRODID = "-//syfo-tidslinje//NO"
UID_DOMENE = "syfo-tidslinje"
STANDARD_KALENDERNAVN = "Sykefraværsoppfølging"
MOTE_VARIGHET = timedelta(hours=1)
_MIN_HEMMELIGHET = 32
_TOKEN_KONTEKST = b"kalenderfeed\x00"


@dataclass(frozen=True)
class Kalenderoppforing:
    """One event in the feed.

    ``uid`` must be stable for the thing it describes (e.g. the frist's or the møte's id);
    ``sekvens`` must grow each time the event changes; ``endret`` is the aware instant of that
    change. ``start`` is a ``date`` for a deadline (all-day) or an aware ``datetime`` for a
    meeting. ``tittel`` must not contain personal data (see the module docstring).
    """

    uid: str
    tittel: str
    start: date | datetime
    sekvens: int
    beskrivelse_lenke: str
    endret: datetime
    avlyst: bool = False  # written as STATUS:CANCELLED, so clients remove the event

    def __post_init__(self) -> None:
        if self.sekvens < 0:
            raise ValueError("sekvens kan ikke være negativ")
        if self.endret.utcoffset() is None:
            raise ValueError("endret må ha tidssone")
        if isinstance(self.start, datetime) and self.start.utcoffset() is None:
            raise ValueError("start må ha tidssone når den er et tidspunkt")


def full_uid(uid: str) -> str:
    """The UID as written to the feed: ``uid@syfo-tidslinje`` unless it already has a domain."""
    return uid if "@" in uid else f"{uid}@{UID_DOMENE}"


def _lag_hendelse(oppforing: Kalenderoppforing) -> Event:
    hendelse = Event()
    hendelse.add("uid", full_uid(oppforing.uid))
    hendelse.add("dtstamp", oppforing.endret.astimezone(UTC))
    hendelse.add("last-modified", oppforing.endret.astimezone(UTC))
    hendelse.add("sequence", oppforing.sekvens)
    hendelse.add("summary", oppforing.tittel)
    if oppforing.avlyst:
        hendelse.add("status", "CANCELLED")
    if isinstance(oppforing.start, datetime):
        start = oppforing.start.astimezone(UTC)
        hendelse.add("dtstart", start)
        hendelse.add("dtend", start + MOTE_VARIGHET)
    else:
        hendelse.add("dtstart", oppforing.start)
        hendelse.add("dtend", oppforing.start + timedelta(days=1))
        # A deadline is a reminder, not an appointment: do not show the whole day as busy.
        hendelse.add("transp", "TRANSPARENT")
    hendelse.add("description", f"Se detaljer etter innlogging: {oppforing.beskrivelse_lenke}")
    hendelse.add("url", oppforing.beskrivelse_lenke)
    return hendelse


def lag_kalender(oppforinger: Iterable[Kalenderoppforing], *, navn: str = STANDARD_KALENDERNAVN) -> bytes:
    """The iCalendar feed for ``oppforinger`` as bytes; deterministic for the same input.

    Raises ``ValueError`` if two entries share a UID.
    """
    sortert = sorted(oppforinger, key=lambda o: full_uid(o.uid))
    uider = [full_uid(o.uid) for o in sortert]
    if len(set(uider)) != len(uider):
        raise ValueError("to oppføringer har samme uid")

    kalender = Calendar()
    kalender.add("prodid", PRODID)
    kalender.add("version", "2.0")
    kalender.add("calscale", "GREGORIAN")
    kalender.add("x-wr-calname", navn)
    for oppforing in sortert:
        kalender.add_component(_lag_hendelse(oppforing))
    innhold: bytes = kalender.to_ical()  # untyped in icalendar 6
    return innhold


def lag_feed_token(secret: bytes, mottaker_id: str) -> str:
    """Unguessable, URL-safe token granting read access to ``mottaker_id``'s feed.

    HMAC-SHA256 under a server secret of at least 32 bytes; rotating the secret revokes
    every token. The token reveals nothing about ``mottaker_id``, but the feed URL should
    still use an opaque id rather than a fødselsnummer.
    """
    if len(secret) < _MIN_HEMMELIGHET:
        raise ValueError(f"hemmeligheten må være minst {_MIN_HEMMELIGHET} byte")
    mac = hmac.new(secret, _TOKEN_KONTEKST + mottaker_id.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def sjekk_feed_token(secret: bytes, mottaker_id: str, token: str) -> bool:
    """True if ``token`` is the feed token for ``mottaker_id``; compares in constant time."""
    forventet = lag_feed_token(secret, mottaker_id).encode("ascii")
    # compare_digest refuses non-ASCII str, so compare bytes: a junk token is just wrong.
    return hmac.compare_digest(forventet, token.encode("utf-8"))


def kort_id(case_id: str) -> str:
    """The case's short id for texts outside the service (RP-10): names no employee."""
    return case_id[:8]


def oppforinger_for_leder(
    conn: Connection, leder_id: str, lenke: str, saklenke: Callable[[str], str] | None = None
) -> list[Kalenderoppforing]:
    """The feed of a nærmeste leder: open deadlines and called meetings of the cases they lead now.

    UIDs are the case and milestone (or the meeting's id), so a moved date updates the same event.
    SEQUENCE is the person stream's version, which grows with every change to the case, so a
    calendar client always takes the newer copy (RFC 5545 3.8.7.4). Titles are neutral (RP-10). With
    ``saklenke`` each event links to its case page and its title names the case's short id; a cancelled
    meeting stays in the feed as STATUS:CANCELLED.
    """
    from projections.sporringer import aware
    from projections.tabeller import milepeler, saker, tidslinje

    s = saker.c
    rader = conn.execute(select(s.case_id, s.person_id, s.versjon).where(s.leder_id == leder_id)).all()
    if not rader:
        return []
    versjon = {r.case_id: int(r.versjon) for r in rader}
    case_ids = list(versjon)
    endret = {
        r.person_id: aware(r.siste)
        for r in conn.execute(
            select(tidslinje.c.person_id, func.max(tidslinje.c.registrert).label("siste"))
            .where(tidslinje.c.person_id.in_([r.person_id for r in rader]))
            .group_by(tidslinje.c.person_id)
        )
    }
    person = {r.case_id: r.person_id for r in rader}
    ut: list[Kalenderoppforing] = []
    m = milepeler.c
    for r in conn.execute(
        select(m.case_id, m.kind, m.due).where(
            m.case_id.in_(case_ids), m.due.is_not(None), m.status.in_(["pending", "overdue"])
        )
    ):
        ut.append(
            Kalenderoppforing(
                uid=f"{r.case_id}-{r.kind}",
                tittel=_tittel(f"Frist: {r.kind.replace('_', ' ')}", r.case_id, saklenke),
                start=r.due,
                sekvens=versjon[r.case_id],
                beskrivelse_lenke=saklenke(r.case_id) if saklenke else lenke,
                endret=endret[person[r.case_id]],
            )
        )
    t = tidslinje.c
    moter: dict[str, tuple[str, dict[str, Any]]] = {}
    avlyst: set[str] = set()
    for r in conn.execute(
        select(t.case_id, t.hendelse, t.data)
        .where(t.person_id.in_(set(person.values())), t.hendelse.in_(["dialogmote_innkalt", "dialogmote_avlyst"]))
        .order_by(t.person_id, t.versjon)
    ):
        if r.hendelse == "dialogmote_avlyst":  # names the meeting only, not the case
            avlyst.add(r.data["id"])
        elif r.case_id in versjon:
            moter[r.data["id"]] = (r.case_id, r.data)
    for mote_id, (case_id, data) in sorted(moter.items()):
        if mote_id in avlyst and saklenke is None:
            continue
        ut.append(
            Kalenderoppforing(
                uid=f"mote-{hashlib.sha256(mote_id.encode()).hexdigest()[:24]}",
                tittel=_tittel("Dialogmøte", case_id, saklenke),
                start=datetime.fromisoformat(data["tidspunkt"]),
                sekvens=versjon[case_id],
                beskrivelse_lenke=saklenke(case_id) if saklenke else lenke,
                endret=endret[person[case_id]],
                avlyst=mote_id in avlyst,
            )
        )
    return ut


def _tittel(tittel: str, case_id: str, saklenke: Callable[[str], str] | None) -> str:
    return f"{tittel} (sak {kort_id(case_id)})" if saklenke else tittel
