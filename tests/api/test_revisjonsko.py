"""AUD-1 through the audit queue: the read records are written behind the reads by one writer, and
none is lost: each read gives exactly one record after a flush, a clean shutdown writes what is
queued, a process that dies leaves a write-ahead segment that the next start inserts, and the read
logs (ACC-5) show every read answered before them.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from projections.tabeller import revisjonslogg
from service.compliance.audit import Lesing
from service.compliance.audit_queue import AuditQueue

from .api_hjelp import FNR, Miljo, fortelling, miljo


def _antall(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(revisjonslogg)).scalar_one())


def test_each_read_gives_exactly_one_record_after_a_flush(ny: Miljo) -> None:
    fortelling(ny)
    sak = ny.saker["ORG1"]
    for_ = _antall_flushet(ny)
    for _ in range(7):
        assert ny.les(f"/api/v1/saker/{sak}/tidslinje", "NAV", "NAV").status_code == 200
    assert ny.les(f"/api/v1/saker/{sak}", FNR, "AT").status_code == 200
    assert _antall_flushet(ny) == for_ + 8


def _antall_flushet(m: Miljo) -> int:
    m.kjerne.revisjon.flush()
    return _antall(m.kjerne.engine)


def test_the_records_queued_at_a_clean_shutdown_are_in_the_table_after_it(database_url: str, tmp_path: Path) -> None:
    # A flush interval far beyond the test: only the shutdown can write the records.
    with miljo(database_url, tmp_path, audit_flush_interval_s=3600) as m:
        fortelling(m)
        sak = m.saker["ORG1"]
        for _ in range(5):
            assert m.les(f"/api/v1/saker/{sak}/tidslinje", FNR, "AT").status_code == 200
        engine = m.kjerne.engine
    # The service is closed (its engine disposed); a new connection sees what the shutdown wrote.
    with engine.connect() as conn:
        rader = conn.execute(select(revisjonslogg.c.visning).where(revisjonslogg.c.case_id == sak)).all()
    engine.dispose()
    assert [r.visning for r in rader] == ["tidslinje"] * 5
    assert list((tmp_path / "revisjon").glob("*.jsonl")) == []  # nothing left to replay


def test_the_read_log_shows_the_reads_answered_before_it_without_waiting_for_the_writer(
    database_url: str, tmp_path: Path
) -> None:
    with miljo(database_url, tmp_path, audit_flush_interval_s=3600) as m:
        fortelling(m)
        sak = m.saker["ORG1"]
        assert m.les(f"/api/v1/saker/{sak}/tidslinje", "NAV", "NAV").status_code == 200
        mine = m.les("/api/v1/meg/lesninger", FNR, "AT").json()["items"]
        assert [(x["actor"]["role"], x["shown"]) for x in mine][:1] == [("NAV", "tidslinje")]
        revisor = m.les(f"/api/v1/saker/{sak}/lesninger", "revisor-1", "AUDITOR").json()["items"]
        assert [(x["actor"]["role"], x["shown"]) for x in revisor] == [("NAV", "tidslinje")]


_DOENDE = """
import os, sys
from datetime import UTC, datetime
from pathlib import Path
from sqlalchemy import create_engine
from service.compliance.audit import Lesing
from service.compliance.audit_queue import AuditQueue

ko = AuditQueue(create_engine(sys.argv[1]), Path(sys.argv[2]), intervall_s=3600)
naa = datetime(2025, 3, 3, 9, tzinfo=UTC)
for i in range(3):
    ko.registrer(naa, [Lesing("NAV", "NAV", f"p{i}", f"c{i}", "tidslinje", "ACC-6", request_id=f"r{i}")])
os._exit(0)  # dies here: no flush, no close
"""


def test_a_process_that_dies_before_the_flush_loses_no_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    engine = create_engine(url)
    revisjonslogg.metadata.create_all(engine, tables=[revisjonslogg])
    mappe = tmp_path / "revisjon"
    subprocess.run([sys.executable, "-c", _DOENDE, url, str(mappe)], check=True)
    # The process is gone. Its segment is on disk; the table has nothing.
    assert _antall(engine) == 0
    assert len(list(mappe.glob("*.jsonl"))) == 1
    neste = AuditQueue(engine, mappe, intervall_s=3600)
    try:
        with engine.connect() as conn:
            rader = conn.execute(select(revisjonslogg.c.case_id, revisjonslogg.c.request_id)).all()
        assert sorted(rader) == [("c0", "r0"), ("c1", "r1"), ("c2", "r2")]
        assert list(mappe.glob("*.jsonl")) == []
    finally:
        neste.close()
        engine.dispose()


def test_a_second_queue_on_the_same_directory_never_takes_a_live_queues_records(tmp_path: Path) -> None:
    # Two queues in one process (a CLI command run inside a test, or ``syfo verify`` beside the service):
    # the second one's start must leave the first one's open segment alone, or a record is inserted
    # twice and the first queue's flush races the second's delete.
    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    revisjonslogg.metadata.create_all(engine, tables=[revisjonslogg])
    mappe = tmp_path / "revisjon"
    forste = AuditQueue(engine, mappe, intervall_s=3600)
    naa = datetime(2025, 3, 3, 9, tzinfo=UTC)
    for i in range(3):
        forste.registrer(naa, [Lesing("NAV", "NAV", "p", f"c{i}", "tidslinje", "ACC-6")])
    andre = AuditQueue(engine, mappe, intervall_s=3600)
    try:
        assert _antall(engine) == 0  # the second start replayed nothing: the segment is live
        assert len(list(mappe.glob("*.jsonl"))) == 1
        forste.flush()
        assert _antall(engine) == 3
    finally:
        andre.close()
        forste.close()
    assert _antall(engine) == 3
    assert list(mappe.glob("*.jsonl")) == []
    engine.dispose()


def test_a_full_queue_is_written_by_the_reader_that_fills_it(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    revisjonslogg.metadata.create_all(engine, tables=[revisjonslogg])
    ko = AuditQueue(engine, tmp_path / "revisjon", intervall_s=3600, maks=4)
    try:
        naa = datetime(2025, 3, 3, 9, tzinfo=UTC)
        for i in range(9):
            ko.registrer(naa, [Lesing("NAV", "NAV", "p", f"c{i}", "tidslinje", "ACC-6")])
        assert _antall(engine) == 8  # two full batches of four; the ninth waits in its segment
    finally:
        ko.close()
    assert _antall(engine) == 9
    engine.dispose()
