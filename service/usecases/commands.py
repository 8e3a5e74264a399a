"""Commands through the API: read with identity validation on (VAL-3), stamp ``at``, apply, log the sender.

Every command gets one command-log row (AUD-2): an accepted one in the transaction of its events, a
repeat or a rejected one (``avvist``, called by the routes that refuse it) on its own.

Nothing is stored for a command that cannot be read or that a rule refuses (VAL-9): every check
runs before ``SyfoApp.behandle``, which itself stores nothing when the domain refuses. A repeat
of an id command (VAL-4) stores nothing and answers with the first command's case and position.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from domain.errors import UgyldigKommandoError, UkjentSakError, ValideringsFeil
from domain.identer import gyldig_fnr
from domain.kommandoer import SAKSBUNDNE, SKJEMA, Kommando, les_instant, les_kommando
from domain.referanse import Referanse
from domain.sykefravaer import ID_KOMMANDOER, Sykefravaer
from domain.tilgang import Bruker
from domain.virksomhet import Virksomhet
from projections import lister
from service.compliance import audit as revisjon
from service.observability import logger
from service.store.application import Kvittering
from service.store.sql import SqlCursor, SqlStore
from service.usecases.history import posisjoner
from service.usecases.services import Tjenester


@dataclass(frozen=True)
class NavngittKommando(Kommando):
    """A command that named its case by ``case_id`` (scenarios.md): checked against the person's stream
    when ``SyfoApp.behandle`` loads it (TF-7), so the stream is loaded once per command."""

    case_id: str = ""


@dataclass(frozen=True)
class Resultat:
    status: int  # 201 stored, 200 a repeat
    case_id: str | None
    position: int
    new: bool

    def json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "position": self.position, "new": self.new}


def les_json(kropp: bytes) -> Any:
    """The body as JSON; NaN and Infinity are not JSON (RFC 8259)."""

    def ingen_konstanter(navn: str) -> Any:
        raise ValueError(navn)

    try:
        return json.loads(kropp, parse_constant=ingen_konstanter)
    except (ValueError, UnicodeDecodeError):
        raise UgyldigKommandoError("$", "the body is not JSON") from None


def les(t: Tjenester, data: Any) -> Kommando:
    """Parse and validate one command as the API receives it (VAL-1 … VAL-3, VAL-6, VAL-7, T-1, T-7)."""
    if not isinstance(data, dict):
        raise UgyldigKommandoError("$", "expected an object")
    data = dict(data)
    naa = t.naa()
    if "at" in data:
        at = les_instant(data["at"], "at")
        grense = t.settings.api_max_future_s
        if at - naa > timedelta(seconds=grense):
            # T-7: a command takes effect at its ``at``; knowledge from the future is refused.
            raise ValideringsFeil("T-7", "at", f"at lies more than {grense} s ahead of the server's clock")
    else:
        at = naa
    navngitt = None
    typ = data.get("type")
    if "case_id" in data and isinstance(typ, str) and typ in SAKSBUNDNE:
        navngitt = _sett_inn_sak(t, data)
    k = les_kommando(data, at=at, egenmelding_maks_dager=t.app.innstillinger.egenmelding_max_days, valider_identer=True)
    if navngitt is not None:
        k = NavngittKommando(k.type, k.at, k.felter, case_id=navngitt)
    if k.type == "dialogmote_innkalt":
        _sjekk_deltakere(k)
    return k


def _sjekk_deltakere(k: Kommando) -> None:
    """RP-8: one message per recipient. The same participant twice would plan two identical reminders,
    which the reminders projection cannot store (their ids collide), so the API refuses the command."""
    sett: set[tuple[str, str]] = set()
    for i, d in enumerate(k["deltakere"]):
        if (d.rolle, d.id) in sett:
            raise ValideringsFeil("RP-8", f"deltakere[{i}]", "the same participant is listed twice")
        sett.add((d.rolle, d.id))


def _sett_inn_sak(t: Tjenester, data: dict[str, Any]) -> str:
    """scenarios.md: in the HTTP API a command may name its case by ``case_id`` instead of fnr + orgnr."""
    case_id = data.pop("case_id")
    if "fnr" in data or "orgnr" in data:
        raise UgyldigKommandoError("case_id", "give either case_id or fnr and orgnr")
    if not isinstance(case_id, str) or not case_id:
        raise UgyldigKommandoError("case_id", "expected a non-empty string")
    with t.engine.connect() as conn:
        rad = lister.sak(conn, case_id)
    if rad is None or not rad["fnr"]:
        raise UkjentSakError("VAL-8", "case_id", "unknown case")
    data["fnr"], data["orgnr"] = rad["fnr"], rad["orgnr"]
    return case_id


def _sjekk_sak(t: Tjenester, k: NavngittKommando) -> Callable[[Sykefravaer | None], None]:
    """TF-7: the command must attach to the case it names, not to another case of the same pair. Run by
    ``SyfoApp.behandle`` on the person it loaded, before anything is applied (VAL-9)."""

    def sjekk(person: Sykefravaer | None) -> None:
        if person is None:
            raise UkjentSakError("VAL-8", "case_id", "unknown case")
        s = person.grunnlag(t.app.innstillinger).sak_for_kommando(k)
        if s is None or s.case_id != k.case_id:
            raise UkjentSakError("VAL-8", "case_id", "the command's date lies outside that case")

    return sjekk


def utfor(t: Tjenester, bruker: Bruker, k: Kommando, request_id: str | None) -> Resultat:
    """Apply one read command with its command-log row (AUD-2) and wake the projections.

    An accepted command's row is written in the transaction that stores its events (``SyfoApp.behandle``):
    the answer is 201 exactly when both were stored, and nothing after the commit can fail the request.
    A repeat (VAL-4) stores nothing and gets a row of its own with the first command's position.
    """
    kommando_id = k.get("id") if k.type in ID_KOMMANDOER else None
    naa = t.naa()
    innsending = revisjon.Innsending(
        aktor_id=revisjon.aktor_id(bruker, t.pseudonym),
        rolle=bruker.rolle.value,
        type=k.type,
        posisjon=None,
        person_id=None,
        case_id=None,
        kommando_id=kommando_id,
        request_id=request_id,
    )

    def logg(kv: Kvittering, m: SqlCursor, lager: SqlStore) -> None:
        person_id = str(kv.person_id) if kv.person_id else None
        i = replace(innsending, posisjon=kv.posisjon, person_id=person_id, case_id=kv.case_id)
        revisjon.registrer_lagret(m, lager, naa, i)

    kv = t.app.behandle(k, logg, _sjekk_sak(t, k) if isinstance(k, NavngittKommando) else None)
    if kv.nytt and kv.posisjon is not None:
        _etter_lagring(t, k, kv.posisjon)
        return Resultat(201, kv.case_id, kv.posisjon, True)
    t.metrikker.kommandoer.labels(k.type, "repeat").inc()
    logger().info("command_repeat", type=k.type)
    case_id, posisjon = _forste(t, k, kv, kommando_id)
    person_id = str(kv.person_id) if kv.person_id else None
    gjentatt = replace(innsending, posisjon=posisjon, person_id=person_id, case_id=case_id, utfall=revisjon.GJENTATT)
    with t.engine.begin() as conn:
        revisjon.registrer_kommando(conn, naa, gjentatt)
    return Resultat(200, case_id, posisjon, False)


def _etter_lagring(t: Tjenester, k: Kommando, posisjon: int) -> None:
    """Metrics, log line and wake-up of a stored command: none of them may turn a 201 into a 5xx."""
    try:
        t.metrikker.kommandoer.labels(k.type, "accepted").inc()
        if t.bakgrunn is not None:
            t.bakgrunn.vekk()
        logger().info("command_accepted", type=k.type, position=posisjon)
    except Exception:  # the command is stored; the runner catches up on its next poll anyway
        logger().exception("after_store_failed", type=k.type, position=posisjon)


def avvist(t: Tjenester, bruker: Bruker, data: Any, feil: Exception, request_id: str | None) -> None:
    """AUD-2: a rejected command gets its log row too, with the rule; nothing else is stored (VAL-9).

    Only the type (when it is one of the vocabulary) and the person's pseudonymous stream id are kept:
    a refused command's ids and text may be anything (PRIV-1)."""
    typ = data.get("type") if isinstance(data, dict) else None
    fnr = data.get("fnr") if isinstance(data, dict) else None
    person_id = str(t.app.person_for_fnr(fnr)) if isinstance(fnr, str) and gyldig_fnr(fnr) else None
    i = revisjon.Innsending(
        aktor_id=revisjon.aktor_id(bruker, t.pseudonym),
        rolle=bruker.rolle.value,
        type=typ if isinstance(typ, str) and typ in SKJEMA else "unknown",
        posisjon=None,
        person_id=person_id,
        case_id=None,
        request_id=request_id,
        utfall=revisjon.AVVIST,
        regel=getattr(feil, "regel", "VAL-9"),
    )
    with t.engine.begin() as conn:
        revisjon.registrer_kommando(conn, t.naa(), i)


def _forste(t: Tjenester, k: Kommando, kv: Kvittering, kommando_id: str | None) -> tuple[str | None, int]:
    """VAL-4: the case and position the first of these commands got (the case as the repeat's
    ``behandle`` found it: the stream is not loaded again)."""
    person_id = kv.person_id
    with t.engine.connect() as conn:
        if kommando_id is not None:
            rad = revisjon.forste_innsending(conn, k.type, kommando_id)
            if rad is not None:
                return rad["case_id"], int(rad["posisjon"])
            # Stored outside the API (seed, simulate): its save ended with the id reference.
            ref = posisjoner(conn, t.app, Referanse.create_id(k.type, kommando_id))
            if ref and person_id is not None:
                return kv.case_id, min(ref.values())
        if person_id is None:  # virksomhet: the latest event of the virksomhet
            pos = posisjoner(conn, t.app, Virksomhet.create_id(k.orgnr))
            return None, max(pos.values(), default=t.app.siste_posisjon())
        pos = posisjoner(conn, t.app, person_id)
    for e in t.app.repository.event_store.get(person_id):
        if isinstance(e, Sykefravaer.Mottatt) and k.type == e.TYPE and e.data.get("id") == k.get("id"):
            return kv.case_id, pos.get(int(e.originator_version), t.app.siste_posisjon())
    return kv.case_id, t.app.siste_posisjon()
