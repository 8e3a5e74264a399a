"""Structured JSON logs and Prometheus metrics of the API.

Logs carry ids and counts only (PRIV-3): a processor masks every run of 11 digits (the shape of a
fødselsnummer or D-nummer) in every value, whatever the caller put into the event. Metrics are
labelled by route template, never by raw path, so no id ends up in a label.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

ELLEVE_SIFFER = re.compile(r"(?<!\d)\d{11}(?!\d)")
MASKE = "*" * 11


def _masker(v: Any) -> Any:
    if isinstance(v, str):
        return ELLEVE_SIFFER.sub(MASKE, v)
    if isinstance(v, Mapping):
        return {k: _masker(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_masker(x) for x in v]
    return v


def skjul_identer(_logger: Any, _metode: str, hendelse: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """PRIV-3: no identity number leaves the process through a log line."""
    return {k: _masker(v) for k, v in hendelse.items()}


def konfigurer_logging(niva: str = "INFO", strom: TextIO | None = None) -> None:
    """JSON lines on stdout (or ``strom``), with the request id bound per request."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            skjul_identer,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(niva)),
        logger_factory=structlog.PrintLoggerFactory(file=strom or sys.stdout),
        cache_logger_on_first_use=False,
    )


def logger() -> Any:
    return structlog.get_logger("syfo.api")


@dataclass
class Metrikker:
    """The API's metrics, in their own registry (several apps may live in one test process)."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.foresporsler = Counter(
            "syfo_http_requests",
            "HTTP requests by route template and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.varighet = Histogram(
            "syfo_http_request_duration_seconds",
            "HTTP request duration by route template.",
            ["method", "route"],
            registry=r,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.kommandoer = Counter(
            "syfo_commands",
            "Commands by type and outcome (accepted, repeat, refused).",
            ["type", "outcome"],
            registry=r,
        )
        self.lesinger = Counter(
            "syfo_audited_reads", "Reads of case data written to the audit log (AUD-1).", ["role", "view"], registry=r
        )
        self.etterslep = Gauge(
            "syfo_projection_lag_events", "Last notification id minus the lowest projection position.", registry=r
        )
        self.leveringer = Gauge(
            "syfo_reminder_deliveries",
            "Sent reminders by delivery state; oppgitt = dead letters.",
            ["state"],
            registry=r,
        )
        self.forsinkelse = Histogram(
            "syfo_reminder_lateness_seconds",
            "Seconds from a reminder's due instant to its delivery (all channels took it).",
            registry=r,
            buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 21600, 86400),
        )
        self.karantene = Gauge(
            "syfo_projection_quarantined",
            "Persons whose stream a projection cannot compute (quarantined, see the karantene table).",
            registry=r,
        )
        self.hjerteslag = Gauge(
            "syfo_projection_runner_heartbeat_age_seconds",
            "Seconds since the projection runner's last pass (-1: no runner in this process).",
            registry=r,
        )
