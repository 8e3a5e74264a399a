"""Channel resolution with a user's own settings first (issue 14).

Per recipient id: the user's own settings (``/api/v1/meg/varsling``) > an operator's ``SYFO_KANALER``
entry > the leader's registered ``leder_epost`` (``service.delivery.leader_email``); the in-app inbox
always. A user's webhook is signed with that user's own secret (Standard Webhooks) and its address is
checked again at send time: the host is resolved and a private, loopback, link-local or multicast
address is refused (no requests into the service's own network) unless the test setting allows it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from scheduler.kanal import Kanal, Leveringsresultat, Melding, Utfall
from service.delivery.channels import Kanaloppsett
from service.delivery.webhook import WebhookKanal
from service.store.varsling import Innstillingslager


class UgyldigAdresse(ValueError):
    """A webhook URL that is not https to a public address."""


def sjekk_webhook_url(url: str, tillat_privat: bool) -> None:
    """Raise ``UgyldigAdresse`` unless ``url`` is https to a host whose every address is public."""
    deler = urlsplit(url)
    if deler.scheme != "https" and not (tillat_privat and deler.scheme == "http"):
        raise UgyldigAdresse("adressen må begynne med https://")
    if not deler.hostname or deler.username or deler.password:
        raise UgyldigAdresse("adressen mangler vertsnavn")
    try:
        adresser = {a[4][0] for a in socket.getaddrinfo(deler.hostname, deler.port or 443, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError) as e:
        raise UgyldigAdresse("vertsnavnet finnes ikke") from e
    if tillat_privat:
        return
    for a in adresser:
        ip = ipaddress.ip_address(str(a).split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise UgyldigAdresse("adressen peker inn i et privat nett")


@dataclass
class EgenWebhook:
    """A user's own webhook: their secret, the shared HTTP client, the address checked before each send."""

    secret: str
    klient: httpx.Client
    timeout: float
    tillat_privat: bool
    navn: str = "webhook"

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:
        try:
            sjekk_webhook_url(adresse, self.tillat_privat)
        except UgyldigAdresse:
            return Leveringsresultat(Utfall.PERMANENT_FEIL, "adressen er ikke offentlig")
        return WebhookKanal(self.secret, self.timeout, client=self.klient).send(melding, adresse)


@dataclass
class EgneKanaler:
    """``Kanalvalg`` for the dispatcher: own settings replace the operator's and the default channels."""

    oppsett: Kanaloppsett
    lager: Innstillingslager
    _klient: httpx.Client | None = field(default=None, repr=False)

    def har_egne(self, mottaker_id: str) -> bool:
        return not self.lager.hent(mottaker_id)[0].tom()

    def __call__(self, rolle: str, mottaker_id: str) -> Sequence[tuple[Kanal, str]]:
        egne, _ = self.lager.hent(mottaker_id)
        if egne.tom():
            return self.oppsett(rolle, mottaker_id)
        valgt: list[tuple[Kanal, str]] = [(self.oppsett.innboks, mottaker_id)]
        if egne.webhook_url and egne.webhook_secret:
            s = self.oppsett.settings
            valgt.append(
                (
                    EgenWebhook(egne.webhook_secret, self.klient(), s.webhook_timeout_s, s.webhook_allow_private),
                    egne.webhook_url,
                )
            )
        if egne.epost:
            valgt.append((self.oppsett.epost(), egne.epost))
        return valgt

    def epost(self) -> Kanal:
        return self.oppsett.epost()

    def klient(self) -> httpx.Client:
        if self._klient is None:
            self._klient = httpx.Client(timeout=self.oppsett.settings.webhook_timeout_s, follow_redirects=False)
        return self._klient

    def __enter__(self) -> EgneKanaler:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        self.oppsett.close()
        if self._klient is not None:
            self._klient.close()
