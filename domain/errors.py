"""The domain's small error family (STYLE.md §3)."""

from __future__ import annotations


class DomainError(Exception):
    """A command the domain refuses. Carries the rule ID and, where known, the field."""

    def __init__(self, regel: str, felt: str | None, melding: str) -> None:
        super().__init__(f"{regel}: {melding}" + (f" ({felt})" if felt else ""))
        self.regel = regel
        self.felt = felt
        self.melding = melding


class ValideringsFeil(DomainError):
    """A well-formed command that breaks a VAL-* rule: rejected, nothing stored (VAL-9)."""


class KonfliktFeil(DomainError):
    """The same id with other content (VAL-4), or a state conflict (VAL-5)."""


class UkjentSakError(DomainError):
    """No case window matches the command (VAL-8, TF-7)."""


class UgyldigKommandoError(Exception):
    """A command that cannot be read at all: bad JSON type, unknown ``type``, missing field.

    Simulate exits with status 2 on these; the API answers 400 (scenarios.md).
    """

    def __init__(self, felt: str, melding: str) -> None:
        super().__init__(f"{felt}: {melding}")
        self.felt = felt
        self.melding = melding
