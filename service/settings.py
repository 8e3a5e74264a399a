"""Service settings from the environment (prefix ``SYFO_``), built once by the composition root.

Never build ``Settings()`` at import time: tests and the CLI construct their own.
Only ``service.wiring`` turns these into the eventsourcing environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.innstillinger import Innstillinger

# For local runs and tests only. Person stream ids are HMACs of the fnr under this key (PRIV-3),
# so production must set SYFO_ID_NOKKEL to a secret, and keep it: a new key gives new stream ids.
DEV_ID_NOKKEL = "syfo-dev-key"


class Settings(BaseSettings):
    """``SYFO_DATABASE_URL`` unset means an SQLite file ``<SYFO_DATA_DIR>/syfo.db``.

    PostgreSQL URLs (``postgresql://`` or ``postgresql+psycopg://``) are described in
    ``service.wiring.eventsourcing_env``.
    """

    model_config = SettingsConfigDict(env_prefix="SYFO_", frozen=True)

    database_url: str | None = None
    data_dir: Path = Path("data")
    id_nokkel: SecretStr = SecretStr(DEV_ID_NOKKEL)
    pool_size: int = Field(default=5, ge=1)
    max_overflow: int = Field(default=10, ge=0)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "syfo.db"

    def innstillinger(self) -> Innstillinger:
        """The rules' configuration (CFG). Defaults only, until the service exposes knobs."""
        return Innstillinger()
