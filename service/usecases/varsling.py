"""A user's own notification channels and calendar feed (issue 14, PRIV-4, RP-10, AUD-1).

Every logged-in user may set an e-mail address and a webhook URL; they replace the leader's registered
``leder_epost`` and any operator entry (``service.delivery.own_channels``). A webhook gets a Standard
Webhooks secret of its own, shown once when the URL is first set. The calendar feed's token has 256
random bits; only its SHA-256 is stored, so the full address is shown once, when it is made or rotated,
and rotating kills the old one at once. Every read and change of the settings, and every fetch of the
feed, writes an audit record as the owner (``service.compliance.audit``).
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from typing import Any

from domain.tilgang import Bruker
from service.compliance.audit import Lesing, aktor_id, registrer
from service.delivery.calendar import lag_kalender, oppforinger_for_leder
from service.delivery.own_channels import UgyldigAdresse, sjekk_webhook_url
from service.store.varsling import Innstillinger, Innstillingslager
from service.usecases.problems import ApiFeil
from service.usecases.services import Tjenester


def settings_store(t: Tjenester) -> Innstillingslager:
    return Innstillingslager.av(t.engine, t.kjerne.settings.master_nokkel.get_secret_value())


REGEL = "PRIV-4"
EPOST = re.compile(r"^[^@\s<>\"]{1,64}@[A-Za-z0-9.-]{1,252}\.[A-Za-z]{2,63}$")
MAKS_URL = 2000


def _ny_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class Varsling:
    """The caller's own channel settings, over the service."""

    t: Tjenester
    bruker: Bruker
    request_id: str | None = None

    @property
    def id(self) -> str:
        """Whom the settings belong to: the recipient id reminders carry (the person id for AT)."""
        return aktor_id(self.bruker, self.t.pseudonym)

    def lager(self) -> Innstillingslager:
        return settings_store(self.t)

    def _revider(self, visning: str, aktor: str | None = None, rolle: str | None = None) -> None:
        with self.t.engine.begin() as conn:
            registrer(
                conn,
                self.t.naa(),
                [
                    Lesing(
                        aktor_id=(aktor or self.id)[:80],
                        rolle=rolle or self.bruker.rolle.value,
                        person_id=None,
                        case_id=None,
                        visning=visning,
                        grunnlag=REGEL,
                        request_id=self.request_id,
                    )
                ],
            )

    def vis(self, inn: Innstillinger, har_kalender: bool, **ekstra: Any) -> dict[str, Any]:
        return {
            "epost": inn.epost,
            "webhook_url": inn.webhook_url,
            "kalender_aktiv": har_kalender,
            "kalender_url": None,
            **ekstra,
        }

    def hent(self) -> dict[str, Any]:
        inn, kal = self.lager().hent(self.id)
        self._revider("varsling:les")
        return self.vis(inn, kal)

    def endre(self, epost: str | None, webhook_url: str | None) -> dict[str, Any]:
        epost = (epost or "").strip() or None
        webhook_url = (webhook_url or "").strip() or None
        if epost is not None and (len(epost) > 254 or not EPOST.match(epost)):
            raise ApiFeil(422, "not an e-mail address", rule="VAL-11", field="epost")
        if webhook_url is not None:
            if len(webhook_url) > MAKS_URL:
                raise ApiFeil(422, "the webhook URL is too long", rule="VAL-11", field="webhook_url")
            try:
                sjekk_webhook_url(webhook_url, self.t.settings.webhook_allow_private)
            except UgyldigAdresse as e:
                raise ApiFeil(422, f"webhook URL refused: {e}", rule="RP-10", field="webhook_url") from None
        lager = self.lager()
        gammel, kal = lager.hent(self.id)
        secret = gammel.webhook_secret if webhook_url and gammel.webhook_url == webhook_url else None
        ny_secret = _ny_webhook_secret() if webhook_url and secret is None else None
        inn = Innstillinger(epost=epost, webhook_url=webhook_url, webhook_secret=secret or ny_secret)
        lager.lagre(self.id, inn, rolle=self.bruker.rolle.value)
        self._revider("varsling:endre")
        return self.vis(inn, kal, webhook_secret=ny_secret)

    def roter_kalender(self) -> dict[str, Any]:
        """A new feed token (256 random bits); the old address stops working at once."""
        token = secrets.token_urlsafe(32)
        lager = self.lager()
        inn, _ = lager.hent(self.id)
        lager.lagre(self.id, inn, kalender_token=token, rolle=self.bruker.rolle.value)
        self._revider("varsling:kalender")
        return self.vis(inn, True, kalender_url=kalender_url(self.t, token))


def kalender_url(t: Tjenester, token: str) -> str:
    return f"{_base(t)}kalender/{token}.ics"


def _base(t: Tjenester) -> str:
    s = t.settings
    return s.offentlig_url.rstrip("/") + "/" if s.offentlig_url else s.lenke


def kalenderfeed(t: Tjenester, token: str, request_id: str | None = None) -> bytes | None:
    """The owner's feed (RP-10: case short id and a link to the case page, never a name); None for an
    unknown token. The fetch is audit-logged as the token's owner."""
    lager = settings_store(t)
    eier = lager.eier_av_token(token)
    if eier is None:
        return None
    rolle = lager.rolle(eier) or "?"
    base = _base(t)
    with t.engine.begin() as conn:
        oppforinger = oppforinger_for_leder(conn, eier, base, lambda case_id: f"{base}saker/{case_id}")
        saker: list[str | None] = [*sorted({o.beskrivelse_lenke.rsplit("/", 1)[-1] for o in oppforinger})] or [None]
        registrer(  # AUD-1: one record per case shown, as the token's owner
            conn,
            t.naa(),
            [Lesing(eier[:80], rolle, None, s, "kalender:hent", "RP-10", request_id=request_id) for s in saker],
        )
    return lag_kalender(oppforinger)
