"""A newcomer's first run: ``syfo serve --demo`` on an empty store shows its seeding progress on the console and
says where to open the pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.devtools.screenshots import tjener

pytestmark = pytest.mark.slow


def test_demo_seeding_shows_progress_and_the_address(tmp_path: Path) -> None:
    with tjener(tmp_path) as t:
        logg = t.logg.read_text(encoding="utf-8")

    assert "demo: empty store, seeding 50 synthetic cases" in logg
    for n in (10, 20, 50):
        assert f"demo: seeding {n}/50 cases" in logg
    assert "demo: building the read models" in logg
    assert f"demo: open {t.url}/ to log in as a demo user" in logg
