"""A projection runner process for the two-runner test: records every batch in the batch's own
transaction (table ``test_batcher``), so a batch is recorded if and only if it committed.

Run with ``python runner_prosess.py DATABASE_URL``; runs until killed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from sqlalchemy import Connection, text

from projections.oppdaterer import Kjoring
from service.bootstrap import build_core
from service.settings import Settings


def main() -> None:
    url = sys.argv[1]
    kjerne = build_core(Settings(database_url=url))
    kjerne.oppdaterer.batch = 7  # many small batches, so a kill lands between or inside them

    def logg(conn: Connection, navn: Sequence[str], fra: int, til: int) -> None:
        for n in navn:
            conn.execute(
                text("INSERT INTO test_batcher (pid, navn, fra, til) VALUES (:p, :n, :f, :t)"),
                {"p": os.getpid(), "n": n, "f": fra, "t": til},
            )

    kjerne.oppdaterer.ved_batch = logg
    Kjoring(kjerne.oppdaterer, intervall=0.05).kjor()


if __name__ == "__main__":
    main()
