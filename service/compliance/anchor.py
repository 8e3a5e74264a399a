"""The hash chain's head anchored outside the database: an append-only file of (position, hash) lines.

Whoever can write the database can delete the newest events together with their chain rows; what is
left is a shorter chain that still verifies, because nothing inside the database remembers the tail.
So ``syfo verify`` (after a clean check) and a daily job of the background process
(``service.background``) append the chain head's position and global hash to a file outside the
database, and ``verify`` checks every anchored position: the chain row must still be there with the
same hash (``service.compliance.verify``). Keep the file where the database's writers cannot rewrite it
(another host, a write-once store, a log shipper); the service only ever appends to it.

One JSON object per line: ``{"at": instant, "position": n, "head": hex}``. A line that does not
read is reported by ``verify`` like a broken link: the file itself was altered.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

FILRETTIGHETER = 0o600


@dataclass(frozen=True)
class Anchor:
    at: datetime
    position: int
    head: str


@dataclass(frozen=True)
class AnchorLine:
    """One line of the file: the anchor it holds, or None when it does not read."""

    number: int
    anchor: Anchor | None


def chain_head(engine: Engine) -> tuple[int, str] | None:
    """The chain's last row: (position, global hash), or None for an empty chain."""
    with engine.connect() as conn:
        rad = conn.execute(text("SELECT posisjon, global_hash FROM kjede ORDER BY posisjon DESC LIMIT 1")).first()
    return None if rad is None else (int(rad[0]), str(rad[1]))


def append(path: Path, position: int, head: str, at: datetime | None = None) -> Anchor:
    """Append one anchor: opened for appending only, written in one call and flushed to disk."""
    anchor = Anchor((at or datetime.now(UTC)).astimezone(UTC), position, head)
    line = json.dumps({"at": anchor.at.isoformat(), "position": position, "head": head}) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILRETTIGHETER)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return anchor


def anchor_head(engine: Engine, path: Path, at: datetime | None = None) -> Anchor | None:
    """Append the chain's current head (the daily job); nothing for an empty chain."""
    head = chain_head(engine)
    return None if head is None else append(path, head[0], head[1], at)


def read(path: Path) -> list[AnchorLine]:
    """Every line of the file in order; a missing file has none."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    return [AnchorLine(i, _parse(line)) for i, line in enumerate(lines, start=1) if line.strip()]


def _parse(line: str) -> Anchor | None:
    try:
        d = json.loads(line)
        at = datetime.fromisoformat(d["at"])
        position, head = d["position"], d["head"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(position, int) or position < 1 or not isinstance(head, str) or at.tzinfo is None:
        return None
    return Anchor(at, position, head)


def stored_hashes(engine: Engine, positions: Iterable[int]) -> dict[int, str]:
    """position -> global hash of those chain rows that exist."""
    wanted = sorted(set(positions))
    ut: dict[int, str] = {}
    with engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            bolk = wanted[i : i + 500]
            params = {f"p{j}": p for j, p in enumerate(bolk)}
            sql = f"SELECT posisjon, global_hash FROM kjede WHERE posisjon IN ({', '.join(':' + k for k in params)})"
            ut |= {int(r[0]): str(r[1]) for r in conn.execute(text(sql), params)}
    return ut
