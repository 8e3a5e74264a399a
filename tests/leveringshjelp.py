"""A real webhook receiver on loopback for delivery tests, and reminders made due on demand.

The receiver verifies Standard Webhooks signatures, counts every attempt per Idempotency-Key and
can answer 500 or hang, per path. It runs in a thread of the test process, or as its own process
(``python leveringshjelp.py PORTFIL``) when a test kills workers around it.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

HEMMELIGHET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


@dataclass
class Mottaker:
    url: str
    forsok: Counter[str] = field(default_factory=Counter)  # Idempotency-Key -> attempts seen
    tider: list[float] = field(default_factory=list)  # time.time() of each attempt
    kropper: list[dict[str, Any]] = field(default_factory=list)
    avvist: int = 0
    laas: threading.Lock = field(default_factory=threading.Lock)

    @property
    def levert(self) -> set[str]:
        return set(self.forsok)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mottaker: Mottaker


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        m = self.server.mottaker
        kropp = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {n.lower(): v for n, v in self.headers.items()}
        try:
            innhold = Webhook(HEMMELIGHET).verify(kropp, headers)
        except WebhookVerificationError:
            with m.laas:
                m.avvist += 1
            self._svar(401)
            return
        with m.laas:
            m.forsok[headers["idempotency-key"]] += 1
            m.tider.append(time.time())
            m.kropper.append(innhold)
        if self.path == "/feil" or (self.path == "/en-feil" and m.forsok[headers["idempotency-key"]] == 1):
            self._svar(500)
        elif self.path.startswith("/sakte/"):
            time.sleep(float(self.path.removeprefix("/sakte/")))
            self._svar(204)
        elif self.path == "/treg":
            time.sleep(2)
            self._svar(200)
        else:
            self._svar(204)

    def do_GET(self) -> None:  # the counts, for a receiver running as its own process
        m = self.server.mottaker
        with m.laas:
            data = json.dumps({"forsok": dict(m.forsok), "avvist": m.avvist}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _svar(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:  # noqa: ARG002 (quiet)
        return None


@contextmanager
def mottaker() -> Iterator[Mottaker]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mottaker = Mottaker(f"http://127.0.0.1:{server.server_address[1]}")
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield server.mottaker
    finally:
        server.shutdown()
        server.server_close()


def lag_sendte(
    app: Any, personer: int, per_person: int, at: datetime, mottaker: str = "leder", send_dato: date | None = None
) -> list[str]:
    """``personer`` people, each with ``per_person`` reminders decided sent at ``at`` (RP-11)."""
    from domain.paminnelser import SENDT, Beslutning, Trinn

    nokler = []
    for i in range(personer):
        app.behandle(
            app.les(
                {
                    "at": "2025-01-06T07:30:00+01:00",
                    "type": "sykmelding",
                    "id": f"SM-{i}",
                    "fnr": f"P-{i}",
                    "orgnr": "ORG-1",
                    "perioder": [{"fom": "2025-01-06", "tom": "2025-03-31", "grad": 100}],
                }
            )
        )
        person = app.person(app.person_for_fnr(f"P-{i}"))
        beslutninger = []
        for j in range(per_person):
            d = send_dato or date(2025, 1, 6)
            t = Trinn("RM-1", "sak", "sak", "oppfolgingsplan", "before", "NL", d, ekstra=str(j))
            beslutninger.append(Beslutning(t, at, f"{mottaker}-{i}-{j}", SENDT))
            nokler.append(t.nokkel)
        person.registrer(beslutninger)
        app.save(person)
    return nokler


if __name__ == "__main__":
    with mottaker() as m:
        with open(sys.argv[1], "w", encoding="utf-8") as f:
            f.write(m.url)
        threading.Event().wait()


class LoopbackSmtp:
    """aiosmtpd on an OS-chosen loopback port (the stock Controller would probe port 0 after binding)."""

    def __new__(cls, handler: Any) -> Any:
        import asyncio

        from aiosmtpd.controller import Controller

        class _Kontroller(Controller):
            def _trigger_server(self) -> None:
                assert isinstance(self.server, asyncio.Server)
                self.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        return _Kontroller(handler, hostname="127.0.0.1", port=0)
