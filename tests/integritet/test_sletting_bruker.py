"""``syfo erase --user ID`` (PRIV-4, RET-3): a user's own channel settings are erased and leave nothing on disk.

The user's data key is destroyed and the settings rows purged; SQLite's files (db, -wal, -shm) are then
scanned as in ``test_sletting_disk``: neither the address, nor the ciphertext, nor the wrapped key is left.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from service.bootstrap import build_core, settings_store
from service.cli import app as cli
from service.settings import Settings
from service.store.varsling import Innstillinger, subjekt


def _filer(mappe: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(mappe.iterdir()) if f.is_file()}


def _funn(filer: dict[str, bytes], nal: list[bytes]) -> list[str]:
    return [navn for navn, innhold in filer.items() if any(n in innhold for n in nal)]


@pytest.fixture
def uten_syfo_miljo(monkeypatch: pytest.MonkeyPatch) -> None:
    for navn in [n for n in os.environ if n.startswith("SYFO_")]:
        monkeypatch.delenv(navn)


@pytest.mark.usefixtures("uten_syfo_miljo")
def test_syfo_erase_user_destroys_the_key_and_leaves_no_copy_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mappe = tmp_path / "data"
    kjerne = build_core(Settings(data_dir=mappe))  # stays open: a running service's connections
    try:
        lager = settings_store(kjerne)
        lager.lagre(
            "leder-anna", Innstillinger("anna.leder@example.com", None, None), rolle="NL", kalender_token="t" * 43
        )
        lager.lagre("leder-bo", Innstillinger("bo.leder@example.com", None, None), rolle="NL")
        with kjerne.engine.connect() as conn:
            innpakket = conn.execute(
                text("SELECT innpakket FROM datanokler WHERE subjekt = :s"), {"s": str(subjekt("leder-anna"))}
            ).scalar()
            innhold = conn.execute(
                text("SELECT innhold FROM varslingsinnstillinger WHERE bruker_id = 'leder-anna'")
            ).scalar()
        nal = [innpakket.encode(), base64.b64decode(innpakket), innhold.encode(), b"leder-anna"]
        assert _funn(_filer(mappe), nal)
        monkeypatch.setenv("SYFO_DATA_DIR", str(mappe))

        res = CliRunner().invoke(cli, ["erase", "--user", "leder-anna"])

        assert res.exit_code == 0, res.output
        assert "1 row(s), 1 key(s) destroyed" in res.output
        filer = _filer(mappe)
        assert _funn(filer, nal) == []
        assert _funn(filer, [b"anna.leder"]) == []
        assert lager.hent("leder-anna") == (Innstillinger(), False)
        assert lager.eier_av_token("t" * 43) is None  # the feed address is dead too
        assert lager.hent("leder-bo")[0].epost == "bo.leder@example.com"  # the others' stay
    finally:
        kjerne.close()


@pytest.mark.usefixtures("uten_syfo_miljo")
def test_erase_needs_exactly_one_of_fnr_and_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYFO_DATA_DIR", str(tmp_path))
    assert CliRunner().invoke(cli, ["erase"]).exit_code == 2


@pytest.mark.usefixtures("uten_syfo_miljo")
def test_erasing_an_arbeidstaker_also_erases_their_own_channel_settings(tmp_path: Path) -> None:
    """An arbeidstaker's settings are keyed by their person id; ``syfo erase --fnr`` takes them too."""
    from datetime import date

    from integritet_hjelp import FNR_A, sak, send

    from service.compliance.erasure import slett_fnr

    kjerne = build_core(Settings(data_dir=tmp_path / "data"))
    try:
        send(kjerne, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))
        person_id = str(kjerne.app.person_for_fnr(FNR_A))
        lager = settings_store(kjerne)
        lager.lagre(person_id, Innstillinger("meg@example.com", None, None), rolle="AT")

        slett_fnr(kjerne, FNR_A)

        assert lager.hent(person_id) == (Innstillinger(), False)
        with kjerne.engine.connect() as conn:
            igjen = conn.execute(
                text("SELECT count(*) FROM datanokler WHERE subjekt = :s"), {"s": str(subjekt(person_id))}
            ).scalar()
        assert igjen == 0  # the settings key is gone
    finally:
        kjerne.close()
