"""Every test runs without the shell's SYFO_* settings (the root conftest), except the test database's URL."""

from __future__ import annotations

from pathlib import Path

import pytest

INNE = """
import os

def test_sees_no_syfo_setting():
    assert sorted(n for n in os.environ if n.startswith("SYFO_")) == ["SYFO_TEST_POSTGRES_URL"]
"""


def test_a_syfo_variable_of_the_shell_does_not_reach_any_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(test_inne=INNE)
    for navn, verdi in {
        "SYFO_DATABASE_URL": "sqlite:////ikke/her.db",
        "SYFO_JWT_KEY": "skallet",
        "SYFO_KANALER": "{}",
        "SYFO_TEST_POSTGRES_URL": "postgresql://postgres@127.0.0.1:5432/test",
    }.items():
        monkeypatch.setenv(navn, verdi)

    resultat = pytester.runpytest_inprocess("-p", "no:cacheprovider")

    resultat.assert_outcomes(passed=1)
