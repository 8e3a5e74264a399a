"""The read audit records (AUD-1) written behind the reads, in batches, by one writer thread.

A read no longer inserts its record in its own transaction: on SQLite that made every read a write
and put all readers in line for the single writer. Instead a read appends its records to a local
append-only file (write-ahead) and to a bounded in-memory queue, and returns. One writer thread
inserts what is queued in one transaction every ``intervall_s`` seconds; a full queue is flushed by
the reader that fills it (so memory stays bounded and nothing is dropped); ``flush()`` is called
before any read log is answered and when the service closes.

What a crash can lose: nothing once ``registrer`` has returned, unless the machine itself goes down
before the OS writes its file cache out (the write-ahead file is not fsynced per read). A process
that dies leaves its write-ahead segments behind; the next queue to open this data directory
inserts them and deletes them. A crash in the instant between a batch's commit and the deletion of
its segment inserts that batch again on replay (duplicates, never a loss).

Whose segment is whose is decided by a lock, not by a process id: a queue holds an exclusive
``flock`` on its open segment until the segment's rows are committed and the file is deleted, and a
replay takes only the segments it can lock. So the queues of several processes sharing one data
directory (PostgreSQL), or two queues in one process (a CLI command inside a test), never insert each
other's records, and the lock of a process that dies is released by the kernel with it. Segments hold
what the table holds: no fnr (PRIV-3).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import threading
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import structlog
from sqlalchemy import Engine

from projections.tabeller import revisjonslogg
from service.compliance.audit import Lesing

log = structlog.get_logger(__name__)


def _rad(tidspunkt: datetime, lesing: Lesing) -> dict[str, Any]:
    return {"tidspunkt": tidspunkt.astimezone(UTC)} | asdict(lesing)


class AuditQueue:
    """Bounded queue of read records with a write-ahead file, flushed in batches by one thread."""

    def __init__(self, engine: Engine, mappe: Path, intervall_s: float = 0.2, maks: int = 5000) -> None:
        self.engine = engine
        self.mappe = mappe
        self.intervall_s = intervall_s
        self.maks = maks
        self.navn = f"{os.getpid()}-{secrets.token_hex(4)}"  # this queue's segments: <navn>-<n>.jsonl
        self._ko: list[dict[str, Any]] = []
        self._las = threading.Lock()  # the queue and the current segment
        self._skriv = threading.Lock()  # one batch in the database at a time, in order
        self._nr = 0
        self._fil: IO[str] | None = None
        self._sti: Path | None = None
        self._stopp = threading.Event()
        self.mappe.mkdir(mode=0o700, parents=True, exist_ok=True)  # like the data directory (RET-3)
        self.gjenopprett()
        self._trad = threading.Thread(target=self._kjor, name="audit-writer", daemon=True)
        self._trad.start()

    # ---------------------------------------------------------------- writing

    def registrer(self, tidspunkt: datetime, lesinger: Sequence[Lesing]) -> None:
        """Queue the records of one read; durable in the write-ahead file when this returns."""
        if not lesinger:
            return
        rader = [_rad(tidspunkt, x) for x in lesinger]
        with self._las:
            fil = self._segment()
            fil.write("".join(json.dumps(r, default=str) + "\n" for r in rader))
            fil.flush()
            self._ko.extend(rader)
            full = len(self._ko) >= self.maks
        if full:
            self.flush()

    def flush(self) -> None:
        """Insert everything queued so far, in one transaction, and drop its write-ahead segment.

        The segment stays open, and so locked, until it is deleted: a replay in another queue never
        sees it unlocked while its rows are on their way into the table.
        """
        with self._skriv:
            with self._las:
                if not self._ko:
                    return
                rader, self._ko = self._ko, []
                fil, sti, self._fil, self._sti = self._fil, self._sti, None, None
                assert fil is not None
                assert sti is not None
            try:
                self._sett_inn(rader)
                sti.unlink(missing_ok=True)
            finally:
                fil.close()

    def close(self) -> None:
        """Stop the writer thread and flush what is left (a clean shutdown loses nothing)."""
        self._stopp.set()
        self._trad.join()
        self.flush()

    # ---------------------------------------------------------------- machinery

    def _segment(self) -> IO[str]:
        if self._fil is None:
            self._nr += 1
            sti = self.mappe / f"{self.navn}-{self._nr}.jsonl"
            fd = os.open(sti, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)  # new and ours: no one else can hold it
            self._fil, self._sti = os.fdopen(fd, "a", encoding="utf-8"), sti
        return self._fil

    def _sett_inn(self, rader: list[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(revisjonslogg.insert(), rader)

    def _kjor(self) -> None:
        while not self._stopp.wait(self.intervall_s):
            try:
                self.flush()
            except Exception:  # the records stay in their segment; the next start inserts them
                log.exception("audit_flush_failed")

    def gjenopprett(self) -> None:
        """Insert the segments that no live queue holds (left by processes that are gone), then delete them."""
        for sti in sorted(self.mappe.glob("*.jsonl")):
            try:
                fil = sti.open("r", encoding="utf-8")
            except FileNotFoundError:  # its queue flushed it a moment ago
                continue
            with fil:
                try:
                    fcntl.flock(fil.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # a live queue is writing it
                    continue
                if os.fstat(fil.fileno()).st_nlink == 0:  # flushed and deleted between our open and lock
                    continue
                rader = []
                for linje in fil.read().splitlines():
                    with contextlib.suppress(ValueError):  # a torn last line of a crash
                        r = json.loads(linje)
                        r["tidspunkt"] = datetime.fromisoformat(r["tidspunkt"])
                        rader.append(r)
                if rader:
                    self._sett_inn(rader)
                    log.info("audit_segment_replayed", records=len(rader))
                sti.unlink(missing_ok=True)
