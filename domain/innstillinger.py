"""Configuration knobs of the rules (rules.md §9, CFG). Legal constants are not configurable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, time
from typing import Any

from domain.errors import UgyldigKommandoError
from domain.kalender import Arbeidskalender


@dataclass(frozen=True)
class Innstillinger:
    """Scenario ``config`` keys and service settings (CFG). Field names are the config keys."""

    closure_days: frozenset[date] = field(default_factory=frozenset)
    send_time: time = time(8, 0)
    before_offsets_days: tuple[int, ...] = (14, 7, 0)
    escalation: bool = True
    escalation_after_days: int = 7
    dm1_graded_prompt: bool = True
    sykmelder_prompts: bool = True
    utsatt_recheck_days: int = 28
    early_request_followup_working_days: int = 5
    maksdato_info_days: int = 28
    notify_employer_of_stans: bool = False
    egenmelding_max_days: int = 3
    leader_access_months: int = 4
    validate_ids: bool = False

    @property
    def kalender(self) -> Arbeidskalender:
        return Arbeidskalender(self.closure_days, self.send_time)

    @classmethod
    def fra_config(cls, config: Mapping[str, Any] | None) -> Innstillinger:
        """Read a scenario ``config`` object; an unknown key or a wrong type is unreadable input."""
        if config is None:
            return cls()
        if not isinstance(config, Mapping):
            raise UgyldigKommandoError("config", "expected an object")
        kjente = {f.name for f in fields(cls)}
        verdier: dict[str, Any] = {}
        for navn, v in config.items():
            felt = f"config.{navn}"
            if navn not in kjente:
                raise UgyldigKommandoError(felt, "unknown configuration key")
            verdier[navn] = _les(navn, v, felt)
        return cls(**verdier)


def _les(navn: str, v: Any, felt: str) -> Any:
    try:
        if navn == "closure_days":
            if not isinstance(v, list):
                raise TypeError
            return frozenset(date.fromisoformat(x) for x in v)
        if navn == "send_time":
            return time.fromisoformat(v)
        if navn == "before_offsets_days":
            if not isinstance(v, list) or not all(isinstance(x, int) and x >= 0 for x in v):
                raise TypeError
            return tuple(v)
        standard = getattr(Innstillinger(), navn)
        if type(v) is not type(standard) or (isinstance(v, int) and not isinstance(v, bool) and v < 0):
            raise TypeError
        return v
    except (TypeError, ValueError):
        raise UgyldigKommandoError(felt, "value of the wrong type") from None
