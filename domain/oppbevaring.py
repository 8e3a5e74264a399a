"""Oppbevaring og sletting: how long a person's sick-leave data is kept, and what erasure leaves.

Data classes and how long each is kept (rules.md has no retention rows yet; these are steering
decisions, configurable in ``service.settings``):

- case data (every command, reminder decision and delivery in the person's stream, and the read
  models built from them): erased ``oppbevaring_saksdata_ar`` years (default 3) after the person's
  last case closed (TF-4 ``closed_on``) or the last command arrived, whichever is later. The unit
  is the person, not the case: the rules read earlier cases for as long as this (MAX-3 counts
  paid days back 3 years, REQ-2 continues the count across tilfeller), so a person with a newer
  case keeps the older one until both have run out;
- the leader's view of a case ends ``leader_access_months`` (4) after its end (ACC-2): a read rule,
  not an erasure;
- a case under a bevaringspålegg (legal hold, GDPR art. 17 (3)(e)) is never erased, by the
  retention job or on request, until the hold is lifted.

Erasure destroys the person's data key, so the stored payloads can no longer be read; what is
left of the stream is the ids, versions, topics and the events that hold no personal data
(``PERSONOPPLYSNINGER = False``: the erasure itself and the legal holds). No I/O here.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from domain.errors import KonfliktFeil

OPPBEVARING_AR = 3  # default years of case data after the last case closed (steering decision; cf. MAX-3)

GRUNN_ANMODNING = "anmodning"  # erasure on request (GDPR art. 17 (1)), via `syfo erase` or the API
GRUNN_OPPBEVARINGSTID = "oppbevaringstid_utlopt"  # the retention period ran out (GDPR art. 5 (1)(e))
GRUNNER = frozenset({GRUNN_ANMODNING, GRUNN_OPPBEVARINGSTID})

REGEL_BEVARING = "GDPR 17(3)(e)"  # the rule named when a legal hold stops an erasure

# A placeholder event's recording instant: the real one was inside the erased payload.
MAKULERT_TIDSPUNKT = datetime(1970, 1, 1, tzinfo=UTC)


class BevaringspaleggError(KonfliktFeil):
    """The person has a case under a legal hold: nothing of theirs may be erased (GDPR art. 17 (3)(e))."""


def legg_til_ar(dato: date, ar: int) -> date:
    """Calendar years; 29 February becomes 28 February in a year without it (as ACC-2 does for months)."""
    aar = dato.year + ar
    return dato.replace(year=aar, day=min(dato.day, calendar.monthrange(aar, dato.month)[1]))


def slettes_fra(siste_dag: date, ar: int) -> date:
    """The first day on which data whose last relevant day was ``siste_dag`` is past retention.

    Kept through the same date ``ar`` years later; erased from the day after.
    """
    return legg_til_ar(siste_dag, ar) + timedelta(days=1)


def utlopt(siste_dag: date, ar: int, idag: date) -> bool:
    """True when the retention period after ``siste_dag`` has run out on ``idag``."""
    return idag >= slettes_fra(siste_dag, ar)
