"""Builders for the integrity, encryption, erasure and retention tests: people, commands, raw SQL.

Identity numbers are synthetic (month + 80, valid check digits, VAL-3). Dates are fixed. The raw SQL
helpers go straight at the tables, as someone with database access but without the service's keys
would: SQLite keys events by ``rowid``, PostgreSQL by ``notification_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from hjelp import kl_iso
from sqlalchemy import Engine, inspect, text

from service.bootstrap import Core, build_core
from service.devtools.seed import syntetisk_fnr, syntetisk_orgnr
from service.settings import Settings


def _fnr(fodt: date, individ: int) -> str:
    fnr = syntetisk_fnr(fodt, individ)
    assert fnr is not None
    return fnr


FNR_A = _fnr(date(1980, 5, 17), 201)
FNR_B = _fnr(date(1979, 11, 2), 201)
FNR_C = _fnr(date(1990, 1, 23), 202)
FNR_D = _fnr(date(1985, 7, 9), 203)
FNR_E = _fnr(date(1988, 2, 28), 204)


def _orgnr(tall: int) -> str:
    orgnr = syntetisk_orgnr(tall)
    assert orgnr is not None
    return orgnr


ORG = _orgnr(8)


kl = kl_iso  # the commands take ISO text


def lag_kjerne(database_url: str, mappe: Path, **innstillinger: Any) -> Core:
    return build_core(Settings(database_url=database_url, data_dir=mappe, **innstillinger))


def sak(fnr: str, fom: date, tom: date, nr: str, *, leder: str | None = None) -> list[dict[str, Any]]:
    """A 100 % sick note from ``fom`` to ``tom`` at ``ORG``, a leader, and a finished plan."""
    kommandoer: list[dict[str, Any]] = [
        {
            "type": "sykmelding",
            "id": f"SM-{nr}",
            "fnr": fnr,
            "orgnr": ORG,
            "sykmelder_id": f"lege-{nr}",
            "perioder": [{"fom": fom.isoformat(), "tom": tom.isoformat(), "grad": 100}],
            "at": kl(fom, "07:30"),
        },
        {
            "type": "narmeste_leder",
            "fnr": fnr,
            "orgnr": ORG,
            "leder_id": leder or f"leder-{nr}",
            "fom": fom.isoformat(),
            "at": kl(fom, "08:00"),
        },
    ]
    if (tom - fom).days > 14:
        plan = date.fromordinal(fom.toordinal() + 14)
        kommandoer.append(
            {"type": "oppfolgingsplan_ferdig", "fnr": fnr, "orgnr": ORG, "dato": plan.isoformat(), "at": kl(plan)}
        )
    return kommandoer


def send(kjerne: Core, kommandoer: Iterable[dict[str, Any]]) -> None:
    app = kjerne.app
    for k in kommandoer:
        app.behandle(app.les(k))
    kjerne.oppdaterer.fang_opp()


def case_ids(kjerne: Core, fnr: str) -> list[str]:
    app = kjerne.app
    return [s.case_id for s in app.person(app.person_for_fnr(fnr)).grunnlag(app.innstillinger).saker]


# ---------------------------------------------------------------- raw access to the event store's tables


def _tabell(kjerne: Core) -> tuple[str, str]:
    navn = kjerne.app.recorder.events_table_name  # type: ignore[attr-defined]
    return navn, ("rowid" if kjerne.engine.dialect.name == "sqlite" else "notification_id")


def id_param(kjerne: Core, oid: UUID) -> Any:
    return oid.hex if kjerne.engine.dialect.name == "sqlite" else oid


def hendelser(kjerne: Core, person_id: UUID) -> list[tuple[int, int, str, bytes]]:
    """(notification id, version, topic, stored state) of one stream, by version."""
    navn, nid = _tabell(kjerne)
    with kjerne.engine.connect() as conn:
        rader = conn.execute(
            text(
                f"SELECT {nid}, originator_version, topic, state FROM {navn} WHERE originator_id = :id "
                "ORDER BY originator_version"
            ),
            {"id": id_param(kjerne, person_id)},
        ).all()
    return [(int(n), int(v), t, bytes(s)) for n, v, t, s in rader]


def alle_tilstander(kjerne: Core) -> list[bytes]:
    navn, _ = _tabell(kjerne)
    with kjerne.engine.connect() as conn:
        return [bytes(s) for (s,) in conn.execute(text(f"SELECT state FROM {navn}"))]


def flipp_byte(kjerne: Core, notification_id: int, indeks: int = -1) -> None:
    """Flip one bit of one byte of a stored payload, directly in the database."""
    navn, nid = _tabell(kjerne)
    with kjerne.engine.begin() as conn:
        state = bytearray(
            conn.execute(text(f"SELECT state FROM {navn} WHERE {nid} = :n"), {"n": notification_id}).scalar_one()
        )
        state[indeks] ^= 0x01
        conn.execute(text(f"UPDATE {navn} SET state = :s WHERE {nid} = :n"), {"s": bytes(state), "n": notification_id})


def sett_state(kjerne: Core, notification_id: int, state: bytes) -> None:
    navn, nid = _tabell(kjerne)
    with kjerne.engine.begin() as conn:
        conn.execute(text(f"UPDATE {navn} SET state = :s WHERE {nid} = :n"), {"s": state, "n": notification_id})


def slett_hendelse(kjerne: Core, notification_id: int) -> None:
    navn, nid = _tabell(kjerne)
    with kjerne.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {navn} WHERE {nid} = :n"), {"n": notification_id})


def slett_kjederad(kjerne: Core, notification_id: int) -> None:
    with kjerne.engine.begin() as conn:
        conn.execute(text("DELETE FROM kjede WHERE notification_id = :n"), {"n": notification_id})


def alt_som_tekst(engine: Engine, unntatt: Iterable[str] = ()) -> str:
    """Every value of every table in the database (the events table included unless excepted), as text."""
    deler = []
    with engine.connect() as conn:
        for navn in inspect(conn).get_table_names():
            if navn in unntatt:
                continue
            for rad in conn.execute(text(f"SELECT * FROM {navn}")):
                for v in rad:
                    deler.append(bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v))
    return "\n".join(deler)
