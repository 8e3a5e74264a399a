"""``pip install .`` (not editable) into a clean virtual environment, then the CLI from another folder.

The editable install of the test run finds modules, templates and migrations in the source tree, so
it cannot show that the package ships them. This test builds the wheel, installs it into a new venv
and runs ``syfo migrate``, ``syfo simulate`` and ``syfo serve`` from a folder outside the repository.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
from hjelp import vent_til

ROT = Path(__file__).resolve().parents[2]
PAKKER = ("domain", "projections", "scheduler", "service")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hjul(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mappe = tmp_path_factory.mktemp("hjul")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(mappe), str(ROT)],
        check=True,
        cwd=mappe,
    )
    (fil,) = mappe.glob("*.whl")
    return fil


@pytest.fixture(scope="module")
def installert(hjul: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel and its dependencies; yields its ``bin`` folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(hjul)], check=True)
    return venv / "bin"


def _kilder() -> set[str]:
    """Every Python module and package file of the source packages, and the migrations."""
    filer = {str(p.relative_to(ROT)) for pakke in PAKKER for p in (ROT / pakke).rglob("*") if p.is_file()}
    filer = {f for f in filer if "__pycache__" not in f and not f.endswith(".pyc")}
    migreringer = {
        "syfo_migrations/" + str(p.relative_to(ROT / "alembic"))
        for p in (ROT / "alembic").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name != ".gitkeep"
    }
    return filer | migreringer


def test_the_wheel_ships_every_file_of_the_packages_and_the_migrations(hjul: Path) -> None:
    with zipfile.ZipFile(hjul) as z:
        i_hjulet = {n for n in z.namelist() if not n.split("/")[0].endswith(".dist-info")}

    mangler = sorted(f for f in _kilder() if f not in i_hjulet and not f.endswith(".md"))

    assert mangler == []


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYFO_") and k != "PYTHONPATH"}
    return env | {"SYFO_DATA_DIR": str(data), "SYFO_ALLOW_DEV_SECRETS": "true"}


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_migrate_simulate_and_serve_work_from_any_folder(installert: Path, tmp_path: Path) -> None:
    annensteds = tmp_path / "annensteds"
    annensteds.mkdir()
    env = _env(tmp_path / "data")
    syfo = str(installert / "syfo")
    eksempel = ROT / "service" / "examples" / "langt-tilfelle.json"

    migrert = subprocess.run([syfo, "migrate"], cwd=annensteds, env=env, capture_output=True, text=True)
    simulert = subprocess.run(
        [syfo, "simulate", str(eksempel), "--format", "json"], cwd=annensteds, env=env, capture_output=True, text=True
    )

    assert migrert.returncode == 0, migrert.stderr
    assert simulert.returncode == 0, simulert.stderr
    assert json.loads(simulert.stdout)["cases"]

    port = _ledig_port()
    prosess = subprocess.Popen(
        [syfo, "serve", "--port", str(port), "--no-scheduler"],
        cwd=annensteds,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def svar() -> httpx.Response | bool:
            try:
                return httpx.get(base + "/health/ready", timeout=5)
            except httpx.TransportError:
                return prosess.poll() is not None  # the process died: stop waiting

        klar = vent_til(svar, "the installed server answering", grense_s=120)
        assert isinstance(klar, httpx.Response), prosess.communicate(timeout=10)[1]
        side = httpx.get(base + "/logg-inn", timeout=5)
        stil = httpx.get(base + "/static/stil.css", timeout=5)
    finally:
        prosess.terminate()
        prosess.communicate(timeout=30)

    assert klar.status_code == 200, klar.text
    assert side.status_code == 200
    assert "<html" in side.text
    assert stil.status_code == 200
