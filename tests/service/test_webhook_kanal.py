"""WebhookKanal against a real HTTP receiver on loopback that verifies Standard Webhooks signatures."""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from scheduler.kanal import MELDINGSTEKST, Kanal, Melding, Utfall
from service.delivery.webhook import WebhookKanal

if TYPE_CHECKING:
    from collections.abc import Iterator

HEMMELIGHET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
FEIL_HEMMELIGHET = "whsec_" + base64.b64encode(bytes(range(1, 33))).decode()
KORT_TIMEOUT = 0.2
FNR = "01017012345"
MELDING = Melding(
    idempotency_key="7f1c2a4e-bd0e-4c1e-9a51-aa3f0c9e1b7d",
    mottaker_rolle="AT",
    mottaker_id=FNR,
    milepel="oppfolgingsplan",
    stage="before",
    tidspunkt=datetime(2025, 3, 3, 8, 0, tzinfo=UTC),
    lenke="https://syfo.example/oppgaver",
)


@dataclass
class Mottaker:
    """What the receiver saw: every attempt, and deliveries deduplicated on Idempotency-Key."""

    url: str
    forsok: list[dict[str, str]] = field(default_factory=list)
    kropper: list[bytes] = field(default_factory=list)
    levert: dict[str, Any] = field(default_factory=dict)
    avvist: int = 0
    laas: threading.Lock = field(default_factory=threading.Lock)
    slipp: threading.Event = field(default_factory=threading.Event)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mottaker: Mottaker


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        mottaker = self.server.mottaker
        kropp = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {navn.lower(): verdi for navn, verdi in self.headers.items()}
        with mottaker.laas:
            mottaker.forsok.append(headers)
            mottaker.kropper.append(kropp)
        if self.path == "/treg":
            mottaker.slipp.wait(timeout=5)
            return  # the client has given up; answer nothing
        try:
            innhold = Webhook(HEMMELIGHET).verify(kropp, headers)
        except WebhookVerificationError:
            with mottaker.laas:
                mottaker.avvist += 1
            self._svar(401)
            return
        if self.path.startswith("/status/"):
            self._svar(int(self.path.removeprefix("/status/")))
            return
        with mottaker.laas:
            mottaker.levert.setdefault(self.headers["Idempotency-Key"], innhold)
        self._svar(204)

    def _svar(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def mottaker() -> Iterator[Mottaker]:
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    server.mottaker = Mottaker(url=f"http://{host!s}:{port}")
    traad = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    traad.start()
    yield server.mottaker
    server.mottaker.slipp.set()
    server.shutdown()
    server.server_close()
    traad.join()


@pytest.fixture
def kanal() -> Iterator[WebhookKanal]:
    with WebhookKanal(HEMMELIGHET, timeout=KORT_TIMEOUT) as webhook_kanal:
        yield webhook_kanal


def test_webhook_is_delivered_and_the_receiver_verifies_the_signature(kanal: WebhookKanal, mottaker: Mottaker) -> None:
    resultat = kanal.send(MELDING, f"{mottaker.url}/varsel")

    assert resultat.utfall is Utfall.LEVERT
    assert mottaker.avvist == 0
    assert mottaker.levert[MELDING.idempotency_key] == {
        "type": "syfo.oppgave",
        "id": MELDING.idempotency_key,
        "tekst": MELDINGSTEKST,
        "lenke": MELDING.lenke,
        "rolle": "AT",
        "stage": "before",
        "tidspunkt": "2025-03-03T08:00:00+00:00",
    }
    assert mottaker.forsok[0]["webhook-id"] == mottaker.forsok[0]["idempotency-key"] == MELDING.idempotency_key


def test_a_resend_with_the_same_key_is_counted_once_by_the_receiver(kanal: WebhookKanal, mottaker: Mottaker) -> None:
    forste = kanal.send(MELDING, f"{mottaker.url}/varsel")
    andre = kanal.send(MELDING, f"{mottaker.url}/varsel")

    assert (forste.utfall, andre.utfall) == (Utfall.LEVERT, Utfall.LEVERT)
    assert len(mottaker.forsok) == 2
    assert list(mottaker.levert) == [MELDING.idempotency_key]


def test_a_wrong_secret_is_refused_by_the_receiver_and_is_permanent(mottaker: Mottaker) -> None:
    with WebhookKanal(FEIL_HEMMELIGHET, timeout=KORT_TIMEOUT) as feil_kanal:
        resultat = feil_kanal.send(MELDING, f"{mottaker.url}/varsel")

    assert resultat.utfall is Utfall.PERMANENT_FEIL
    assert resultat.detalj == "http 401"
    assert mottaker.avvist == 1
    assert mottaker.levert == {}


@pytest.mark.parametrize(
    ("status", "utfall"),
    [
        (500, Utfall.MIDLERTIDIG_FEIL),
        (503, Utfall.MIDLERTIDIG_FEIL),
        (408, Utfall.MIDLERTIDIG_FEIL),
        (425, Utfall.MIDLERTIDIG_FEIL),
        (429, Utfall.MIDLERTIDIG_FEIL),
        (400, Utfall.PERMANENT_FEIL),
        (404, Utfall.PERMANENT_FEIL),
        (410, Utfall.PERMANENT_FEIL),
        (301, Utfall.PERMANENT_FEIL),
    ],
)
def test_receiver_status_is_classified(kanal: WebhookKanal, mottaker: Mottaker, status: int, utfall: Utfall) -> None:
    resultat = kanal.send(MELDING, f"{mottaker.url}/status/{status}")

    assert resultat.utfall is utfall
    assert resultat.detalj == f"http {status}"


def test_a_receiver_slower_than_the_read_timeout_is_a_temporary_failure(
    kanal: WebhookKanal, mottaker: Mottaker
) -> None:
    resultat = kanal.send(MELDING, f"{mottaker.url}/treg")

    assert resultat.utfall is Utfall.MIDLERTIDIG_FEIL
    assert resultat.detalj == "tidsavbrudd"
    assert len(mottaker.forsok) == 1


def test_a_refused_connection_is_a_temporary_failure(kanal: WebhookKanal) -> None:
    # A bound socket that never listens: the port stays ours and connecting to it is refused.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as opptatt:
        opptatt.bind(("127.0.0.1", 0))
        port = opptatt.getsockname()[1]

        resultat = kanal.send(MELDING, f"http://127.0.0.1:{port}/varsel")

    assert resultat.utfall is Utfall.MIDLERTIDIG_FEIL
    assert resultat.detalj == "tilkoblingsfeil"


@pytest.mark.parametrize("adresse", ["ftp://127.0.0.1/varsel", "ikke en url", "http://[::1/varsel"])
def test_an_unusable_address_is_a_permanent_failure(kanal: WebhookKanal, adresse: str) -> None:
    resultat = kanal.send(MELDING, adresse)

    assert resultat.utfall is Utfall.PERMANENT_FEIL
    assert resultat.detalj == "ugyldig adresse"


def test_the_body_holds_no_personal_data(kanal: WebhookKanal, mottaker: Mottaker) -> None:
    kanal.send(MELDING, f"{mottaker.url}/varsel")

    kropp = mottaker.kropper[0].decode("utf-8")
    assert json.loads(kropp)["tekst"] == MELDINGSTEKST
    assert re.search(r"(?<!\d)\d{11}(?!\d)", kropp) is None
    assert FNR not in kropp
    assert "sykmelding" not in kropp.lower()
    assert MELDING.milepel not in kropp


def test_a_caller_owned_client_is_left_open_and_an_owned_one_is_closed(mottaker: Mottaker) -> None:
    with httpx.Client() as egen_klient:
        with WebhookKanal(HEMMELIGHET, timeout=KORT_TIMEOUT, client=egen_klient) as delt:
            delt.send(MELDING, f"{mottaker.url}/varsel")
        assert not egen_klient.is_closed

    with WebhookKanal(HEMMELIGHET, timeout=httpx.Timeout(KORT_TIMEOUT)) as egen:
        pass
    with pytest.raises(RuntimeError, match="closed"):
        egen.send(MELDING, f"{mottaker.url}/varsel")


def test_webhook_kanal_satisfies_the_scheduler_protocol() -> None:
    with WebhookKanal(HEMMELIGHET, timeout=KORT_TIMEOUT) as webhook_kanal:
        kanal: Kanal = webhook_kanal

        assert kanal.navn == "webhook"
