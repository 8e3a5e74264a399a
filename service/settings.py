"""Service settings from the environment (prefix ``SYFO_``), built once by the composition root.

Never build ``Settings()`` at import time: tests and the CLI construct their own.
Only ``service.store.database`` turns these into the eventsourcing environment.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from domain.innstillinger import Innstillinger

# For local runs and tests only. Person stream ids are HMACs of the fnr under this key (PRIV-3),
# so production must set SYFO_ID_NOKKEL to a secret, and keep it: a new key gives new stream ids.
DEV_ID_NOKKEL = "syfo-dev-key"
DEV_WEBHOOK_SECRET = "whsec_c3lmby1kZXYtd2ViaG9vay1zZWNyZXQ="
DEV_JWT_KEY = "syfo-dev-jwt-key-for-local-runs-only-0123456789"
DEV_MASTER_NOKKEL = "syfo-dev-master-key-for-local-runs-only-0123456789"

# The secrets and their development defaults, published in this file: ``syfo serve`` and ``syfo worker``
# refuse to start while any of them is unset or still its default (``weak_secrets``), unless
# run with ``--demo`` or SYFO_ALLOW_DEV_SECRETS=true. ``syfo secrets`` prints a fresh set.
DEV_SECRETS: dict[str, str] = {
    "id_nokkel": DEV_ID_NOKKEL,
    "jwt_key": DEV_JWT_KEY,
    "master_nokkel": DEV_MASTER_NOKKEL,
    "webhook_secret": DEV_WEBHOOK_SECRET,
}


def new_secrets() -> dict[str, str]:
    """A fresh set of secrets (``syfo secrets``): 32 random bytes each, base64url; the webhook secret in
    the Standard Webhooks form ``whsec_`` + base64 of 32 random bytes."""
    return {
        "SYFO_ID_NOKKEL": secrets.token_urlsafe(32),
        "SYFO_JWT_KEY": secrets.token_urlsafe(32),
        "SYFO_MASTER_NOKKEL": secrets.token_urlsafe(32),
        "SYFO_WEBHOOK_SECRET": "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
    }


class Settings(BaseSettings):
    """``SYFO_DATABASE_URL`` unset means an SQLite file ``<SYFO_DATA_DIR>/syfo.db``.

    PostgreSQL URLs (``postgresql://`` or ``postgresql+psycopg://``) are described in
    ``service.store.database.eventsourcing_env``.
    """

    model_config = SettingsConfigDict(env_prefix="SYFO_", frozen=True)

    database_url: str | None = None
    data_dir: Path = Path("data")
    id_nokkel: SecretStr = SecretStr(DEV_ID_NOKKEL)
    pool_size: int = Field(default=5, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    # AUD-1: read records are written behind the reads in batches (service.compliance.audit_queue).
    audit_flush_interval_s: float = Field(default=0.2, gt=0)

    # Reminder delivery (service.delivery.channels). ``kanaler`` maps a recipient id, or ``rolle:<ROLE>``
    # for everyone in a role, to channels: [{"type": "webhook", "url": ...}, {"type": "epost",
    # "adresse": ...}]. Every recipient also has the in-app inbox.
    kanaler: dict[str, list[dict[str, str]]] = Field(default_factory=dict)
    webhook_secret: SecretStr = SecretStr(DEV_WEBHOOK_SECRET)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    # SYFO_WEBHOOK_ALLOW_PRIVATE: let users' own webhook URLs be http and point at loopback or private
    # addresses (tests only; never in production: no requests into the service's own network).
    webhook_allow_private: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_avsender: str = "Sykefraværsoppfølging <ikke-svar@syfo.invalid>"
    lenke: str = "http://localhost:8000/"
    # SYFO_OFFENTLIG_URL: the address users reach the service at (https://syfo.example.no/); when set,
    # every link in a message is built from it instead of ``lenke``.
    offentlig_url: str | None = None
    levering_maks_forsok: int = Field(default=8, ge=1)
    levering_lease_s: float = Field(default=60.0, gt=0)  # a dead dispatcher's claims run out after this
    levering_basis_s: float = Field(default=30.0, gt=0)
    levering_tak_s: float = Field(default=3600.0, gt=0)
    vekkeklokke_sikkerhet_s: float = Field(default=30.0, gt=0)
    innhenting_maks_dager: int = Field(default=14, ge=0)  # slots missed longer ago are not run after a restart

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "syfo.db"

    def innstillinger(self) -> Innstillinger:
        """The rules' configuration (CFG). Defaults only, until the service exposes knobs."""
        return Innstillinger()

    # The HTTP API (``syfo serve``, ``service.api``). ``jwt_key`` signs and checks the bearer tokens
    # (HS256): production must set SYFO_JWT_KEY. A token whose lifetime (``exp - iat``) is over
    # ``jwt_max_ttl_s`` is refused, whoever signed it; clocks may differ by ``JWT_LEEWAY_S`` (service.usecases.auth).
    # ``api_read_wait_s`` bounds a read-your-writes wait
    # (``min_position``); ``api_max_body_bytes`` caps a request body (413); ``api_max_future_s`` is how
    # far ahead of the server's clock a command's ``at`` may lie.
    jwt_key: SecretStr = SecretStr(DEV_JWT_KEY)
    jwt_ttl_s: int = Field(default=3600, ge=1)
    jwt_max_ttl_s: int = Field(default=12 * 3600, ge=60)
    api_max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    api_read_wait_s: float = Field(default=5.0, gt=0)
    api_max_future_s: int = Field(default=300, ge=0)
    api_max_batch: int = Field(default=100, ge=1)

    # Integrity, encryption at rest, erasure and retention (service.store.hashchain, service.store.encryption,
    # service.compliance.erasure, service.compliance.retention). ``master_nokkel`` wraps the per-person data
    # keys and keys the hash chain: production must set SYFO_MASTER_NOKKEL to a secret of at least 32 random bytes and
    # keep it (a new one can neither read the stored payloads nor verify the chain). ``kryptering`` and
    # ``hashkjede`` exist for benchmarks: with either off, new events are stored in clear text or left
    # out of the chain (`syfo verify` then names them). ``oppbevaring_saksdata_ar``: years case data is
    # kept after the person's last case closed (domain.oppbevaring); the leader's access is ACC-2's.
    master_nokkel: SecretStr = SecretStr(DEV_MASTER_NOKKEL)
    kryptering: bool = True
    hashkjede: bool = True
    oppbevaring_saksdata_ar: int = Field(default=3, ge=1)

    # The web pages (service.web). ``demo_login`` shows a local-only "log in as" page for demo data
    # (requests from loopback addresses only); ``syfo serve --demo`` turns it on. Never in production.
    demo_login: bool = False
    # Development secrets are accepted only with this on (or ``syfo serve --demo``): see DEV_SECRETS.
    allow_dev_secrets: bool = False
    # The session cookie's ``Secure`` flag (service.web.okt): unset means on, except in demo mode
    # (``demo_login``, plain http on loopback). ``web_origin`` (``https://syfo.example``): the only
    # Origin a login form may be posted from; unset, the Origin must name the request's own Host.
    cookie_secure: bool | None = None
    web_origin: str | None = None

    # The hash chain's head anchored outside the database (service.compliance.anchor): `syfo verify` and a daily
    # job append to this file, and `verify` fails when an anchored position is gone or differs. Unset:
    # ``<data_dir>/kjedeanker.jsonl``. Keep it where the database's writers cannot rewrite it.
    # (The old names SYFO_KJEDEANKER_FIL and SYFO_KJEDEANKER_INTERVALL_S are still read.)
    chain_anchor_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("chain_anchor_file", "SYFO_CHAIN_ANCHOR_FILE", "SYFO_KJEDEANKER_FIL"),
    )
    chain_anchor_interval_s: float = Field(
        default=86400.0,
        gt=0,
        validation_alias=AliasChoices(
            "chain_anchor_interval_s", "SYFO_CHAIN_ANCHOR_INTERVAL_S", "SYFO_KJEDEANKER_INTERVALL_S"
        ),
    )

    @model_validator(mode="after")
    def _levetid(self) -> Self:
        if self.jwt_ttl_s > self.jwt_max_ttl_s:
            raise ValueError(f"jwt_ttl_s ({self.jwt_ttl_s}) is over jwt_max_ttl_s ({self.jwt_max_ttl_s})")
        return self

    @property
    def session_cookie_secure(self) -> bool:
        """Does the session cookie carry ``Secure``? The setting, else on outside demo mode."""
        return self.cookie_secure if self.cookie_secure is not None else not self.demo_login

    def weak_secrets(self) -> list[str]:
        """The environment variables of the secrets that are unset, empty or a development default."""
        return [
            "SYFO_" + navn.upper()
            for navn, standard in DEV_SECRETS.items()
            if getattr(self, navn).get_secret_value().strip() in ("", standard)
        ]

    @property
    def chain_anchor(self) -> Path:
        return self.chain_anchor_file or self.data_dir / "kjedeanker.jsonl"


class LocalSettings(Settings):
    """Settings from arguments only, no ``SYFO_*`` variable read (``syfo simulate``'s temporary store)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        del settings_cls, env_settings, dotenv_settings, file_secret_settings  # only the arguments count
        return (init_settings,)
