"""Screenshots of every page at desktop and phone width (``python -m service.devtools.screenshots``).

Starts ``syfo serve --demo`` as a real uvicorn process on a free loopback port with SQLite in a
temporary directory (50 seeded cases and the demo cases dated around today), drives Debian's
Chromium through Playwright (``npx playwright install`` cannot fetch a browser here), and writes
PNG files to ``docs/screenshots/``. The browser tests (``tests/web/test_nettleser.py``) start the
server the same way, through ``Tjener``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

CHROMIUM: Final = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's closed network refuses (python-svc.md).
CHROMIUM_ARGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=nb-NO",
)
SKJERMER: Final = {"desktop": (1280, 800), "mobil": (390, 844)}
OPPSTART_S: Final = 180.0


def ledig_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Tjener:
    """A running ``syfo serve --demo``: its base URL, its JWT key and its process."""

    url: str
    jwt_key: str
    prosess: subprocess.Popen[bytes]
    logg: Path


@contextmanager
def tjener(mappe: Path, jwt_key: str = "syfo-web-test-jwt-key-0123456789abcdef") -> Iterator[Tjener]:
    """``syfo serve --demo`` on a free loopback port, SQLite in ``mappe``; stopped (by its pid) afterwards."""
    port = ledig_port()
    syfo = Path(sys.executable).with_name("syfo")
    kommando = [str(syfo) if syfo.exists() else shutil.which("syfo") or "syfo"]
    miljo = {k: v for k, v in os.environ.items() if not k.startswith("SYFO_")}
    miljo |= {"SYFO_DATA_DIR": str(mappe), "SYFO_JWT_KEY": jwt_key}
    logg = mappe / "serve.log"
    with logg.open("wb") as ut:
        prosess = subprocess.Popen(
            [*kommando, "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)],
            env=miljo,
            stdout=ut,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _vent_pa(url, prosess, logg)
        yield Tjener(url, jwt_key, prosess, logg)
    finally:
        prosess.terminate()
        try:
            prosess.wait(timeout=20)
        except subprocess.TimeoutExpired:
            prosess.kill()
            prosess.wait()


def _vent_pa(url: str, prosess: subprocess.Popen[bytes], logg: Path) -> None:
    frist = time.monotonic() + OPPSTART_S
    while time.monotonic() < frist:
        if prosess.poll() is not None:
            raise RuntimeError(
                f"syfo serve stopped ({prosess.returncode}):\n{logg.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url + "/health/live", timeout=2) as svar:
                if svar.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"syfo serve did not answer within {OPPSTART_S:.0f} s")


def api(t: Tjener, sti: str, sub: str, rolle: str) -> Any:
    """A GET on the server's own API with a token for (sub, rolle)."""
    import json

    from service.usecases.auth import lag_token

    foresporsel = urllib.request.Request(
        t.url + sti, headers={"Authorization": "Bearer " + lag_token(t.jwt_key, sub, rolle)}
    )
    with urllib.request.urlopen(foresporsel, timeout=10) as svar:
        return json.loads(svar.read())


def sak_for(t: Tjener, fnr: str, min_position: int = 0) -> str:
    """The case id of an employee's open case, found through the API as NAV.

    ``min_position``: the position of the caller's last write, so the answer includes it (the read
    models catch up behind the writes).
    """
    saker = api(t, f"/api/v1/saker?limit=200&open=true&min_position={min_position}", "NAV", "NAV")["items"]
    return str(next(s["case_id"] for s in saker if s["fnr"] == fnr))


def ta_bilder(t: Tjener, ut: Path) -> list[Path]:
    """Log in as each role through the demo page and photograph its pages at both widths."""
    from playwright.sync_api import sync_playwright

    from domain.kalender import OSLO
    from service.devtools import demodata

    sent, lang = sak_for(t, demodata.ANSATTE[3].fnr), sak_for(t, demodata.ANSATTE[5].fnr)
    forfalt = sak_for(t, demodata.ANSATTE[0].fnr)
    for_sent = (datetime.now(OSLO).date() - timedelta(days=4)).isoformat()  # before the late sick note arrived
    sider = [
        ("logg-inn", None, "/logg-inn"),
        ("demo-innlogging", None, "/demo-innlogging"),
        ("mine-sykmeldte", ("leder-demo", "NL"), "/mine-sykmeldte"),
        ("tidslinje", ("leder-demo", "NL"), f"/saker/{forfalt}"),
        ("tidslinje-stor-sak", ("NAV", "NAV"), f"/saker/{lang}"),
        ("revisjon", (demodata.REVISOR, "AUDITOR"), f"/revisjon/saker/{sent}"),
        ("revisjon-kjent-for", (demodata.REVISOR, "AUDITOR"), f"/revisjon/saker/{sent}?as_of={for_sent}T12:00"),
        ("revisjon-endret", (demodata.REVISOR, "AUDITOR"), f"/revisjon/saker/{sent}?versjon=4&fra=3&til=4"),
        ("nav-oversikt", ("NAV", "NAV"), "/oversikt"),
        ("hr", ("hr-demo-a", "HR"), "/hr"),
        ("varsler", ("leder-demo", "NL"), "/varsler"),
        ("varslingsinnstillinger", ("leder-demo", "NL"), "/varslingsinnstillinger"),
        ("feil-404", ("NAV", "NAV"), "/finnes-ikke"),
    ]
    ut.mkdir(parents=True, exist_ok=True)
    filer: list[Path] = []
    with sync_playwright() as pw:
        nettleser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        for skjerm, (bredde, hoyde) in SKJERMER.items():
            ctx = nettleser.new_context(viewport={"width": bredde, "height": hoyde}, locale="nb-NO")
            side = ctx.new_page()
            for navn, hvem, sti in sider:
                if hvem is not None:
                    side.goto(t.url + "/demo-innlogging")
                    side.click(f"button[data-sub='{hvem[0]}'][data-rolle='{hvem[1]}']")
                    side.wait_for_load_state()
                side.goto(t.url + sti)
                fil = ut / f"{navn}-{skjerm}.png"
                side.screenshot(path=str(fil), full_page=True)
                filer.append(fil)
            ctx.close()
        nettleser.close()
    return filer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ut", type=Path, default=Path("docs/screenshots"), help="where the PNG files go")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with tempfile.TemporaryDirectory(prefix="syfo-skjermbilder-") as mappe, tjener(Path(mappe)) as t:
        for fil in ta_bilder(t, args.ut):
            sys.stdout.write(f"{fil}\n")


if __name__ == "__main__":
    main()
