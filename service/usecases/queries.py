"""Reads of case data: gather the facts, ask ``domain.tilgang``, log the read (AUD-1), shape the answer.

Every case read goes through ``apne_sak``: a case that does not exist and a case the caller may not
see give the same 404 (ACC-1), and the audit record is written in the same transaction as the
read, before anything is returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Connection

from domain.innsyn import skjult_planstatus, vis_hendelse, vis_milepeler, vis_paminnelse
from domain.kalender import OSLO
from domain.tilgang import (
    HISTORIKKLESERE,
    SAKSLESERE,
    TIDSLINJELESERE,
    Bruker,
    Rolle,
    Tilgang,
    kan_lese_innboks,
    kan_liste,
    pluss_maneder,
    vurder_sak,
)
from projections import lister, saksvisning, virksomheter
from projections.saksvisning import Personrader
from projections.sporringer import paminnelser_fra
from service.compliance import audit as revisjon
from service.usecases.history import historikk, pseudonymiser
from service.usecases.navvisning import nav_filter, vist_fnr
from service.usecases.problems import ApiFeil
from service.usecases.services import Tjenester
from service.usecases.views import REFERERENDE as REFERERENDE  # used by service.web
from service.usecases.views import (
    aware,
    id_cursor,
    innboks_cursor,
    kod,
    lesninger,
    paminnelse,
    sak_cursor,
    sak_fra_rad,
    sakens_hendelser,
    sakslinje,
    vis_sak,
)
from service.usecases.views import kontekst as kontekst  # used by service.web

IKKE_FUNNET = "no such case, or no access to it"


def ikke_funnet() -> ApiFeil:
    """ACC-1: the one answer for "no such case" and "not allowed"."""
    return ApiFeil(404, IKKE_FUNNET)


@dataclass
class Apnet:
    """A case the caller may read: access decision, summary row and the person's timeline rows (and,
    opened for the timeline, the person's milestone statuses and reminders)."""

    tilgang: Tilgang
    rad: dict[str, Any]
    hendelser: list[dict[str, Any]]
    person: Personrader


class Leser:
    """Reads for one request."""

    def __init__(self, t: Tjenester, bruker: Bruker, request_id: str | None) -> None:
        self.t = t
        self.bruker = bruker
        self.request_id = request_id
        self.idag = t.idag()

    def _hr(self, conn: Connection, orgnr: str) -> str | None:
        """ACC-4: the employer's HR id now, for an HR reader (the employers' read model, RP-9)."""
        if self.bruker.rolle is not Rolle.HR:
            return None
        return virksomheter.hr_oppslag(conn, [orgnr], self.t.naa())[orgnr]

    def apne_sak(self, conn: Connection, case_id: str, roller: frozenset[Rolle], *, tidslinje: bool = False) -> Apnet:
        """ACC-1: the case, if the caller may read it, in two statements (``projections.saksvisning``): the
        case row (with its employer's HR id now, for an HR reader: ACC-4), then the person's rows; with
        ``tidslinje`` also the milestone statuses and reminders the timeline shows."""
        if self.bruker.rolle not in roller:
            raise ikke_funnet()
        naa = self.t.naa()
        rad, hr = saksvisning.sak(conn, case_id, naa if self.bruker.rolle is Rolle.HR else None)
        if rad is None:
            raise ikke_funnet()
        person = saksvisning.personrader(conn, rad["person_id"], naa if tidslinje else None)
        k = kontekst(rad, person.tidslinje, hr)
        tilgang = vurder_sak(self.bruker, k, self.idag, self.t.app.innstillinger)
        if tilgang is None:
            raise ikke_funnet()
        return Apnet(tilgang, rad, person.tidslinje, person)

    def revider(self, tilganger: Sequence[Tilgang], visning: str) -> None:
        """AUD-1: one record per case shown, durable (write-ahead) before the answer leaves."""
        b = self.bruker
        aktor = revisjon.aktor_id(b, self.t.pseudonym)
        self.t.kjerne.revisjon.registrer(
            self.t.naa(),
            [
                revisjon.Lesing(
                    aktor_id=aktor,
                    rolle=b.rolle.value,
                    person_id=t.kontekst.person_id,
                    case_id=t.kontekst.case_id,
                    visning=visning,
                    grunnlag=t.grunnlag,
                    begrunnelse=b.begrunnelse,
                    brudd_glass=b.brudd_glass,
                    request_id=self.request_id,
                )
                for t in tilganger
            ],
        )
        for _ in tilganger:
            self.t.metrikker.lesinger.labels(b.rolle.value, visning).inc()

    def revider_rader(self, rader: Iterable[dict[str, Any]], visning: str, grunnlag: str) -> None:
        """AUD-1 for reads that are not of one case (inbox, dead letters, read logs): one record per
        person and case whose data the answer shows, durable before the answer leaves."""
        b = self.bruker
        aktor = revisjon.aktor_id(b, self.t.pseudonym)
        vist = sorted({(r.get("person_id"), r.get("case_id")) for r in rader}, key=lambda x: (x[0] or "", x[1] or ""))
        self.t.kjerne.revisjon.registrer(
            self.t.naa(),
            [
                revisjon.Lesing(
                    aktor_id=aktor,
                    rolle=b.rolle.value,
                    person_id=person_id,
                    case_id=case_id,
                    visning=visning,
                    grunnlag=grunnlag,
                    begrunnelse=b.begrunnelse,
                    brudd_glass=b.brudd_glass,
                    request_id=self.request_id,
                )
                for person_id, case_id in vist
            ],
        )
        for _ in vist:
            self.t.metrikker.lesinger.labels(b.rolle.value, visning).inc()

    # ---------------------------------------------------------------- one case

    def sak(self, case_id: str, as_of: datetime | None, versjon: int | None) -> dict[str, Any]:
        with self.t.engine.connect() as conn:
            a = self.apne_sak(conn, case_id, SAKSLESERE)
            if as_of is None and versjon is None:
                ms = lister.milepeler_pa(conn, [case_id], self.idag)[case_id]
                sak = sak_fra_rad(a.rad, ms, self.idag)
                visning = "sak"
            else:
                sak = self._som_kjent(a, as_of, versjon)
                visning = "sak:as_of" if as_of is not None else "sak:version"
            self.revider([a.tilgang], visning)
        return vis_sak(sak, a.tilgang) | {"access_basis": a.tilgang.grunnlag}

    def _som_kjent(self, a: Apnet, as_of: datetime | None, versjon: int | None) -> dict[str, Any]:
        try:
            kjent = self.t.app.som_kjent(UUID(a.rad["person_id"]), as_of=as_of, versjon=versjon)
        except AggregateNotFoundError:
            raise ikke_funnet() from None
        sak: dict[str, Any] | None = next((c for c in kjent["cases"] if c["case_id"] == a.rad["case_id"]), None)
        if sak is None:
            raise ikke_funnet()  # the case was not yet known then
        return sak | {"date": kjent["date"], "as_of": kjent["as_of"], "version": kjent["version"]}

    def tidslinje(self, case_id: str) -> dict[str, Any]:
        """The case's events, milestones and reminders; read in two statements (``apne_sak``)."""
        with self.t.engine.connect() as conn:
            a = self.apne_sak(conn, case_id, TIDSLINJELESERE, tidslinje=True)
            t = a.tilgang
            hendelser = []
            for h in sakens_hendelser(a.hendelser, case_id):
                data = vis_hendelse(t, h["hendelse"], h["data"])
                if data is not None and not t.synlighet.fnr:
                    data = pseudonymiser(data, self.t.pseudonym)  # a participant's id may be a fnr (PRIV-3)
                if data is not None:
                    hendelser.append(
                        {
                            "version": h["versjon"],
                            "recorded": aware(h["registrert"]),
                            "type": h["hendelse"],
                            "case_id": h["case_id"],
                            "data": data,
                        }
                    )
            status = a.person.statuser(self.idag)
            ms = lister.milepeler_fra([case_id], status, a.person.frister())[case_id]
            pid = a.rad["person_id"]
            alle = paminnelser_fra(a.person.paminnelser, self.idag, a.person.hr().get, status, {pid: a.rad["fnr"]})
            paminnelser = [p for p in alle if self._vis_paminnelse(t, a.rad, p)]
            self.revider([t], "tidslinje")
        return {
            "case_id": case_id,
            "date": self.idag,
            "access_basis": t.grunnlag,
            "events": hendelser,
            "milestones": vis_milepeler(t, ms),
            "reminders": [paminnelse(p, t) for p in paminnelser],
        }

    def _vis_paminnelse(self, t: Tilgang, rad: dict[str, Any], p: dict[str, Any]) -> bool:
        rolle, mottaker = p["recipient"]["role"], p["recipient"]["id"]
        if p["case_id"] is not None:
            return bool(p["case_id"] == rad["case_id"] and vis_paminnelse(t, rolle, mottaker))
        # Person-level rungs (TF-9): those of this case's person tilfelle; employers only their own.
        d = datetime.fromisoformat(p["at"]).astimezone(OSLO).date()
        if not rad["pt_start"] <= d <= rad["pt_slutt"] + (rad["lukkes"] - rad["slutt"]):
            return False
        if t.bruker.rolle in (Rolle.AT, Rolle.AUDITOR, Rolle.NAV):
            return vis_paminnelse(t, rolle, mottaker)
        return bool(rolle == t.bruker.rolle.value and mottaker == t.bruker.sub)

    def historikk(self, case_id: str) -> dict[str, Any]:
        with self.t.engine.connect() as conn:
            a = self.apne_sak(conn, case_id, HISTORIKKLESERE)
            t = a.tilgang
            pseudonym = None if t.synlighet.fnr else self.t.pseudonym
            saker = {h["versjon"]: h["case_id"] for h in a.hendelser}
            hendelser = historikk(conn, self.t.app, UUID(a.rad["person_id"]), saker, pseudonym)
            self.revider([t], "historikk")
        return {
            "case_id": case_id,
            "person_id": a.rad["person_id"],
            "pseudonymised": pseudonym is not None,
            "access_basis": t.grunnlag,
            "events": hendelser,
        }

    def lesninger_for_sak(self, case_id: str, cursor: str | None, antall: int) -> dict[str, Any]:
        """AUD-1 / ACC-5: who read this case; the arbeidstaker (own case) and auditors."""

        self.t.kjerne.revisjon.flush()  # the log shows every read answered so far
        with self.t.engine.connect() as conn:
            a = self.apne_sak(conn, case_id, HISTORIKKLESERE)
            rader = revisjon.lesinger(conn, case_id=case_id, for_id=id_cursor(cursor), antall=antall + 1)
            self.revider([a.tilgang], "lesninger")  # AUD-1: the read log is case data too
        return lesninger(rader, antall)

    def mine_lesninger(self, cursor: str | None, antall: int) -> dict[str, Any]:
        """ACC-5: the arbeidstaker lists who read their data, across their cases."""
        if self.bruker.rolle is not Rolle.AT or self.bruker.person_id is None:
            raise ApiFeil(403, "only the arbeidstaker has a read log of their own", rule="ACC-5")
        self.t.kjerne.revisjon.flush()  # the log shows every read answered so far
        with self.t.engine.connect() as conn:
            rader = revisjon.lesinger(
                conn, person_id=self.bruker.person_id, for_id=id_cursor(cursor), antall=antall + 1
            )
            self.revider_rader([{"person_id": self.bruker.person_id}], "lesninger", "ACC-5")  # AUD-1
        return lesninger(rader, antall)

    # ---------------------------------------------------------------- lists

    def saker(self, f: lister.Sakfilter, cursor: str | None, antall: int, visning: str | None = None) -> dict[str, Any]:
        """A page of cases the caller may read (ACC-1), newest start first; each listed case is logged.
        NAV's lists follow the view (ACC-8); names come first and the fnr is masked except for AT and
        NAV (PRIV-4); an auditor sees neither names nor identity numbers (ACC-7)."""
        b = self.bruker
        if not kan_liste(b):
            raise ApiFeil(403, f"role {b.rolle.value} cannot list cases", rule="ACC-1")
        f, valgt = nav_filter(b, visning, f)
        etter = sak_cursor(cursor)
        godtatt: list[tuple[dict[str, Any], Tilgang]] = []
        with self.t.engine.connect() as conn:
            begrenset = self._begrens(conn, f)
            if begrenset is not None:
                godtatt = self._saker(conn, begrenset, etter, antall)
            side = godtatt[:antall]
            ms = lister.milepeler_pa(conn, [r["case_id"] for r, _ in side], self.idag)
            navn = virksomheter.navn(conn, {r["orgnr"] for r, t in side if t.synlighet.fnr})
            self.revider([t for _, t in side], "liste")
        neste = kod([side[-1][0]["start"].isoformat(), side[-1][0]["case_id"]]) if len(godtatt) > antall else None
        items = [sakslinje(r, ms.get(r["case_id"], []), t, self.idag) for r, t in side]
        for item, (r, t) in zip(items, side, strict=True):
            if not t.synlighet.fnr and item["leder_id"]:
                item["leder_id"] = pseudonymiser(item["leder_id"], self.t.pseudonym)  # a leader id may be a fnr
            navn_synlig = t.synlighet.fnr  # PRIV-4: names go with the identity (ACC-7: pseudonyms only)
            item["fnr"] = vist_fnr(b, item["fnr"])
            item["name"] = r.get("navn") if navn_synlig else None
            item["leader_name"] = r.get("leder_navn") if navn_synlig else None
            item["employer_name"] = navn[r["orgnr"]] if navn_synlig else None
            if b.rolle in (Rolle.NAV, Rolle.AUDITOR):
                item["nav_enhet"] = r.get("nav_enhet")
                item["veileder_id"] = r.get("veileder_id")
        return {"items": items, "next_cursor": neste, "view": valgt}

    def _begrens(self, conn: Connection, f: lister.Sakfilter) -> lister.Sakfilter | None:
        """The caller's own limits as SQL filters; None when nothing can match. Exact checks follow."""
        b = self.bruker
        skjult = skjult_planstatus(b.rolle)
        if skjult is not None and f.status is not None and f.milepel == skjult:
            raise ApiFeil(
                400, "the oppfølgingsplan's status is not a filter in this role", rule="ACC-9", field="status"
            )
        f = replace(f, skjult_status=skjult)
        if b.rolle is Rolle.AT:
            return replace(f, person_id=b.person_id)
        if b.rolle is Rolle.NL:
            tidligste = pluss_maneder(self.idag, -self.t.app.innstillinger.leader_access_months - 1)
            return replace(f, leder_kandidat=b.sub, slutt_minst=tidligste, start_hoyst=self.idag)
        if b.rolle is Rolle.HR:
            if f.orgnr is None:
                raise ApiFeil(400, "HR lists one virksomhet at a time: give orgnr", rule="ACC-4", field="orgnr")
            return f if self._hr(conn, f.orgnr) == b.sub else None
        return f

    def _saker(
        self, conn: Connection, f: lister.Sakfilter, etter: tuple[date, str] | None, antall: int
    ) -> list[tuple[dict[str, Any], Tilgang]]:
        godtatt: list[tuple[dict[str, Any], Tilgang]] = []
        batch = max(antall + 1, 50)
        hr_cache: dict[str, str | None] = {}
        while len(godtatt) <= antall:
            rader = lister.list_saker(conn, f, self.idag, etter, batch)
            if not rader:
                break
            hendelser: dict[str, list[dict[str, Any]]] = {}
            if self.bruker.rolle is Rolle.NL:  # ACC-2 needs the leader relations; nobody else needs rows here
                hendelser = lister.person_tidslinje(conn, {r["person_id"] for r in rader}, {"narmeste_leder"})
            for r in rader:
                if r["orgnr"] not in hr_cache:
                    hr_cache[r["orgnr"]] = self._hr(conn, r["orgnr"])
                t = vurder_sak(
                    self.bruker,
                    kontekst(r, hendelser.get(r["person_id"], []), hr_cache[r["orgnr"]]),
                    self.idag,
                    self.t.app.innstillinger,
                )
                if t is not None:
                    godtatt.append((r, t))
                    if len(godtatt) > antall:
                        break
            if len(rader) < batch:
                break
            etter = (rader[-1]["start"], rader[-1]["case_id"])
        return godtatt

    # ---------------------------------------------------------------- inbox

    def innboks(self, cursor: str | None, antall: int) -> dict[str, Any]:
        """The caller's own sent reminders (the in-app inbox), newest first. They name cases, milestones
        and stages, so the read is logged (AUD-1): one record per case shown, basis ACC-5 for the
        arbeidstaker and RP-9 (addressed to the caller) for everyone else."""

        b = self.bruker
        if not kan_lese_innboks(b):
            raise ApiFeil(403, f"role {b.rolle.value} receives no reminders", rule="ACC-1")
        etter = innboks_cursor(cursor)
        with self.t.engine.connect() as conn:
            if b.rolle is Rolle.AT:
                rader = lister.innboks(conn, rolle="AT", person_id=b.person_id, etter=etter, antall=antall + 1)
            else:
                mottaker = "NAV" if b.rolle is Rolle.NAV else b.sub  # RP-9: NAV's tasks go to "NAV"
                rader = lister.innboks(conn, rolle=b.rolle.value, mottaker_id=mottaker, etter=etter, antall=antall + 1)
            side = rader[:antall]
            self.revider_rader(side, "innboks", "ACC-5" if b.rolle is Rolle.AT else "RP-9")
        neste = None
        if len(rader) > antall:
            siste = side[-1]
            neste = kod([aware(siste["besluttet"]).isoformat(), siste["id"]])
        return {
            "items": [
                {
                    "id": r["id"],
                    "case_id": r["case_id"],
                    "milestone": r["milepel"],
                    "stage": r["stage"],
                    "rule": r["regel"],
                    "send_date": r["send_dato"],
                    "sent_at": aware(r["besluttet"]).astimezone(OSLO),
                }
                for r in side
            ],
            "next_cursor": neste,
        }
