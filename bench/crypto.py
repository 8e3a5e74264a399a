"""Cost of the hash chain and of encryption at rest on ingest and rebuild, with and without, same run.

    .venv/bin/python bench/crypto.py [--backend sqlite|postgres|both] [--cases N] [--runs N]

Four stores side by side, one per variant: neither (``SYFO_KRYPTERING=false``,
``SYFO_HASHKJEDE=false``), the chain only, encryption only, both (the default). The same synthetic
commands go through ``SyfoApp.behandle`` (load the person's stream, apply the rules, save) into all
four, command by command in rotating order, and only the ``behandle`` calls are timed: load from
other processes on this shared machine then falls on every variant alike. Rebuild
(``Oppdaterer.gjenoppbygg``: every stream read and decoded, so every payload decrypted) runs ``--runs``
times per store, stores in rotating order; its figure is the median over all batches (500 events
each) of the time per event, which a burst of load elsewhere does not move. ``syfo verify`` and the
bare primitives are timed too.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import ExitStack
from typing import Any

from felles import backends, database, median, skriv, tabell

VARIANTER = {  # name -> (kryptering, hashkjede)
    "neither": (False, False),
    "chain only": (False, True),
    "encryption only": (True, False),
    "chain + encryption": (True, True),
}


def main() -> None:
    p = argparse.ArgumentParser(description="hash chain and encryption benchmark")
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--cases", type=int, default=300, help="synthetic cases to seed (default 300)")
    p.add_argument("--runs", type=int, default=3, help="rebuilds per store (default 3)")
    p.add_argument("--no-write", action="store_true", help="print the table only; leave docs/benchmarks.md")
    args = p.parse_args()
    rader, ekstra = [], []
    for backend in backends(args.backend):
        inn, gjen, verifisert, hendelser = maal(backend, args.cases, args.runs)
        ekstra.append(f"{backend}: {hendelser:,} events per store, `syfo verify` {verifisert:,.0f} events/s")
        for navn in VARIANTER:
            endring_inn = f"{inn[navn] / inn['neither'] - 1:+.0%}"
            endring_gjen = f"{gjen[navn] / gjen['neither'] - 1:+.0%}"
            rader.append([backend, navn, f"{inn[navn]:,.0f}", endring_inn, f"{gjen[navn]:,.0f}", endring_gjen])
    kol = ["backend", "variant", "ingest events/s", "vs neither", "rebuild events/s", "vs neither"]
    notat = (
        f"{args.cases} synthetic cases; the four stores take the same commands interleaved, so the shared machine's\n"
        f"load falls on all alike; rebuild: median time per event over the batches of {args.runs} rebuilds per store.\n"
        "Per saved batch the chain adds a keyed SHA-256 per event over the stored bytes\n"
        "and, inside the insert transaction, one read (the chain's head, the streams' previous links, whether the\n"
        "data keys still exist) and one insert; encryption adds AES-256-GCM per event and a data-key lookup (cached\n"
        "per process for 30 s); every load of a stream decrypts it. A rebuild decrypts every payload; the chain\n"
        "costs nothing there. Target: ingest at most 25 % slower than neither.\n"
        + "; ".join([*ekstra, primitiver()])
        + "."
    )
    skriv("crypto", "Hash chain and encryption", tabell(kol, rader), notat, args)


def maal(backend: str, cases: int, runs: int) -> tuple[dict[str, float], dict[str, float], float, int]:
    from service.bootstrap import build_core
    from service.compliance.verify import verifiser
    from service.devtools.seed import generer
    from service.settings import Settings

    with ExitStack() as stack:
        kjerner: dict[str, Any] = {}
        for navn, (krypter, kjede) in VARIANTER.items():
            url = stack.enter_context(database(backend))
            kjerner[navn] = build_core(Settings(database_url=url, kryptering=krypter, hashkjede=kjede))
            stack.callback(kjerner[navn].close)
        data = list(generer(cases, seed=11))
        kommandoer = {navn: [k.app.les(d) for d in data] for navn, k in kjerner.items()}
        navn = list(VARIANTER)
        tid = dict.fromkeys(navn, 0.0)
        for i in range(len(data)):
            for v in navn[i % 4 :] + navn[: i % 4]:  # rotating order: no variant always goes first
                start = time.perf_counter()
                kjerner[v].app.behandle(kommandoer[v][i])
                tid[v] += time.perf_counter() - start
        hendelser = {v: k.app.siste_posisjon() for v, k in kjerner.items()}
        assert len(set(hendelser.values())) == 1, hendelser
        inn = {v: hendelser[v] / tid[v] for v in navn}
        per_hendelse: dict[str, list[float]] = {v: [] for v in navn}
        for r in range(runs):
            for v in navn[r % 4 :] + navn[: r % 4]:
                per_hendelse[v] += _gjenoppbygg(kjerner[v])
        gjen = {v: 1 / median(per_hendelse[v]) for v in navn}
        begge = kjerner["chain + encryption"]
        start = time.perf_counter()
        rapport = verifiser(begge.app, begge.engine)
        verifisert = rapport.hendelser / (time.perf_counter() - start)
        assert rapport.ok, rapport.forste
    return inn, gjen, verifisert, hendelser["neither"]


def _gjenoppbygg(kjerne: Any) -> list[float]:
    """Seconds per event of each batch of one ``syfo rebuild`` (the runner reports after every batch)."""
    tider: list[float] = []
    forrige = time.perf_counter()

    def etter_batch(_posisjon: int, _siste: int, antall: int) -> None:
        nonlocal forrige
        naa = time.perf_counter()
        tider.append((naa - forrige) / antall)
        forrige = naa

    kjerne.oppdaterer.gjenoppbygg(fremdrift=etter_batch)
    return tider


def primitiver() -> str:
    """Microseconds per event of the bare primitives on a typical payload (~400 bytes)."""
    import hashlib
    import hmac

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data, n = os.urandom(400), 20_000
    aes, nokkel = AESGCM(AESGCM.generate_key(bit_length=256)), os.urandom(32)
    start = time.perf_counter()
    for _ in range(n):
        aes.encrypt(os.urandom(12), data, b"aad")
    krypter = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    for _ in range(n):
        hmac.new(nokkel, data, hashlib.sha256).digest()
    hash_us = (time.perf_counter() - start) / n * 1e6
    return f"bare AES-256-GCM {krypter:.1f} µs and HMAC-SHA256 {hash_us:.1f} µs per 400-byte payload"


if __name__ == "__main__":
    main()
