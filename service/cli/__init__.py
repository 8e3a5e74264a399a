"""The ``syfo`` command line: one Typer app; the commands live in ``run``, ``compliance`` and ``dev``.

Every command builds the service with ``service.bootstrap.opened`` (one builder, one ``with`` that closes it).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from service.settings import Settings

app = typer.Typer(help="syfo-tidslinje: sykefraværsoppfølging as event-sourced timelines.", no_args_is_help=True)


@app.callback()
def _hoved() -> None:
    """syfo-tidslinje: sykefraværsoppfølging as event-sourced timelines."""


def require_real_secrets(settings: Settings, *, demo: bool) -> None:
    """Refuse to start (exit 2, naming the settings) on a secret that is unset or a development default.

    The defaults are published in the source: with them anyone can mint tokens, unwrap the data keys,
    reverse the pseudonyms and forge webhook signatures. ``--demo`` and SYFO_ALLOW_DEV_SECRETS=true
    accept them for a local run."""
    if demo or settings.allow_dev_secrets:
        return
    svake = settings.weak_secrets()
    if svake:
        print(
            f"refusing to start: {', '.join(svake)} unset or a development default. Set real secrets "
            "(`syfo secrets` prints a fresh set), or pass --demo or SYFO_ALLOW_DEV_SECRETS=true for a local run.",
            file=sys.stderr,
        )
        raise typer.Exit(2)


def main() -> None:
    app()


from service.cli import compliance, dev, run  # noqa: E402  (registers the commands on ``app``)

__all__ = ["app", "compliance", "dev", "main", "require_real_secrets", "run"]
