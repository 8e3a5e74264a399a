"""Which channels a recipient gets, from settings: webhook, e-mail, and always the in-app inbox.

A reminder is ``levert`` when every channel of its recipient took it. The inbox is the API's list
of a recipient's sent reminders: the reminder is in it as soon as the decision is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Self

from scheduler.kanal import Kanal
from service.delivery.email import EpostKanal
from service.delivery.inbox import InnboksKanal
from service.delivery.webhook import WebhookKanal
from service.settings import Settings


@dataclass
class Kanaloppsett:
    settings: Settings
    innboks: Kanal = field(default_factory=InnboksKanal)
    _webhook: WebhookKanal | None = None
    _epost: EpostKanal | None = None

    def __call__(self, rolle: str, mottaker_id: str) -> Sequence[tuple[Kanal, str]]:
        valgt: list[tuple[Kanal, str]] = [(self.innboks, mottaker_id)]
        oppsett = self.settings.kanaler.get(mottaker_id) or self.settings.kanaler.get(f"rolle:{rolle}", [])
        for k in oppsett:
            if k.get("type") == "webhook" and k.get("url"):
                valgt.append((self.webhook(), k["url"]))
            elif k.get("type") == "epost" and k.get("adresse"):
                valgt.append((self.epost(), k["adresse"]))
        return valgt

    def webhook(self) -> WebhookKanal:
        if self._webhook is None:
            s = self.settings
            self._webhook = WebhookKanal(s.webhook_secret.get_secret_value(), s.webhook_timeout_s)
        return self._webhook

    def epost(self) -> EpostKanal:
        if self._epost is None:
            s = self.settings
            self._epost = EpostKanal(s.smtp_host, s.smtp_port, s.smtp_avsender, starttls=s.smtp_starttls)
        return self._epost

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._webhook is not None:
            self._webhook.close()
