"""Webhook channel: POSTs a signed, neutral JSON notice to a receiver's URL.

The body carries the fixed text, the link, the recipient role and the stage, never a name,
fødselsnummer or anything medical (RP-10). It is signed per the Standard Webhooks spec
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature``); ``webhook-id`` and
``Idempotency-Key`` both carry the reminder's idempotency key so the receiver can drop resends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
from standardwebhooks.webhooks import Webhook

from scheduler.kanal import MELDINGSTEKST, Leveringsresultat, Melding, Utfall

if TYPE_CHECKING:
    from types import TracebackType

MELDINGSTYPE = "syfo.oppgave"
_MIDLERTIDIGE_STATUSER = frozenset({408, 425, 429})


def lag_innhold(melding: Melding) -> dict[str, str]:
    """The JSON object sent for ``melding``: no personal data besides the recipient role."""
    return {
        "type": MELDINGSTYPE,
        "id": melding.idempotency_key,
        "tekst": MELDINGSTEKST,
        "lenke": melding.lenke,
        "rolle": melding.mottaker_rolle,
        "stage": melding.stage,
        "tidspunkt": melding.tidspunkt.isoformat(),
    }


def klassifiser_status(status: int) -> Leveringsresultat:
    """2xx delivered; 408/425/429/5xx worth a retry; anything else (3xx, other 4xx) is permanent."""
    if 200 <= status < 300:
        return Leveringsresultat(Utfall.LEVERT, f"http {status}")
    if status in _MIDLERTIDIGE_STATUSER or 500 <= status < 600:
        return Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, f"http {status}")
    return Leveringsresultat(Utfall.PERMANENT_FEIL, f"http {status}")


class WebhookKanal:
    """Delivers reminders as signed webhooks.

    ``secret`` is a Standard Webhooks secret: base64, optionally prefixed ``whsec_``.
    ``timeout`` is applied to every request, also when the caller passes its own ``client``.
    The channel closes the client only if it created it; use it as a context manager or call
    ``close``.
    """

    navn: str = "webhook"

    def __init__(self, secret: str, timeout: httpx.Timeout | float, client: httpx.Client | None = None) -> None:
        self._webhook = Webhook(secret)
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._eier_klient = client is None
        self._client = client if client is not None else httpx.Client(timeout=self._timeout, follow_redirects=False)

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:
        """POST one signed notice to ``adresse``; classify the outcome instead of raising."""
        data = json.dumps(lag_innhold(melding), ensure_ascii=False, separators=(",", ":"))
        # sign() overwrites the tzinfo instead of converting, so it must be given UTC.
        naa = datetime.now(UTC).replace(microsecond=0)
        headers = {
            "content-type": "application/json",
            "webhook-id": melding.idempotency_key,
            "webhook-timestamp": str(int(naa.timestamp())),
            "webhook-signature": self._webhook.sign(melding.idempotency_key, naa, data),
            "idempotency-key": melding.idempotency_key,
        }
        try:
            with self._client.stream(
                "POST", adresse, content=data.encode("utf-8"), headers=headers, timeout=self._timeout
            ) as svar:
                return klassifiser_status(svar.status_code)
        except httpx.TimeoutException:
            return Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, "tidsavbrudd")
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            return Leveringsresultat(Utfall.PERMANENT_FEIL, "ugyldig adresse")
        except httpx.TransportError:
            return Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, "tilkoblingsfeil")

    def close(self) -> None:
        """Close the HTTP client if this channel created it."""
        if self._eier_klient:
            self._client.close()

    def __enter__(self) -> WebhookKanal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
