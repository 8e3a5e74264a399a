"""Issue 14: a user's own channels replace the registered ``leder_epost`` and an operator's entry.

Resolution per recipient id: own settings > ``SYFO_KANALER`` > the leader's registered e-mail; the in-app
inbox always. A user's webhook is signed with their own secret, and its address is checked again at send
time (no requests into the service's own network). Real SMTP (aiosmtpd) and a real HTTP receiver.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from leveringshjelp import HEMMELIGHET, LoopbackSmtp, mottaker

from domain.paminnelser import SENDT, Beslutning, Trinn
from service.bootstrap import Core, build_core, build_dispatcher, settings_store
from service.delivery.channels import Kanaloppsett
from service.settings import Settings
from service.store.varsling import Innstillinger

NAA = datetime(2025, 1, 20, 7, 0, tzinfo=UTC)
TJENESTENS = "whsec_" + base64.b64encode(b"x" * 32).decode()  # the service's secret: not the user's


@pytest.fixture
def kjerne(tmp_path: Path) -> Iterator[Core]:
    k = build_core(Settings(data_dir=tmp_path))
    yield k
    k.close()


class Postkasse:
    def __init__(self) -> None:
        self.mottatt: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: ARG002
        self.mottatt.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def postkasse() -> Iterator[tuple[Postkasse, int]]:
    p = Postkasse()
    smtp = LoopbackSmtp(p)
    smtp.start()
    try:
        yield p, smtp.port
    finally:
        smtp.stop()


def _paminnelse_til_leder(kjerne: Core) -> None:
    app = kjerne.app
    nl = {"type": "narmeste_leder", "fnr": "P-9", "orgnr": "ORG-1", "leder_id": "leder-9", "fom": "2024-01-01"}
    app.behandle(app.les(nl | {"leder_epost": "kari.nordmann@example.com", "at": "2025-01-06T07:00:00+01:00"}))
    sm = {"type": "sykmelding", "id": "SM-9", "fnr": "P-9", "orgnr": "ORG-1", "at": "2025-01-06T07:30:00+01:00"}
    app.behandle(app.les(sm | {"perioder": [{"fom": "2025-01-06", "tom": "2025-03-31", "grad": 100}]}))
    person = app.person(app.person_for_fnr("P-9"))
    person.registrer(
        [Beslutning(Trinn("RM-1", "sak", "sak", "oppfolgingsplan", "before", "NL", NAA.date()), NAA, "leder-9", SENDT)]
    )
    app.save(person)


def _send(kjerne: Core, port: int, **ekstra: Any) -> Any:
    settings = Settings(webhook_secret=TJENESTENS, smtp_port=port, **ekstra)
    return build_dispatcher(kjerne, Kanaloppsett(settings), settings).kjor(NAA)


def test_own_email_and_webhook_replace_the_registered_leder_epost(
    kjerne: Core, postkasse: tuple[Postkasse, int]
) -> None:
    _paminnelse_til_leder(kjerne)
    with mottaker() as m:
        settings_store(kjerne).lagre(
            "leder-9", Innstillinger("kari.privat@example.com", m.url + "/ok", HEMMELIGHET), rolle="NL"
        )
        rapport = _send(kjerne, postkasse[1], webhook_allow_private=True)

    assert rapport.levert == 1
    assert postkasse[0].mottatt == [["kari.privat@example.com"]]  # not the registered address
    assert sum(m.forsok.values()) == 1
    assert m.avvist == 0  # signed with the user's own secret (the receiver verifies with it)


def test_own_settings_replace_an_operator_entry_for_the_same_recipient(
    kjerne: Core, postkasse: tuple[Postkasse, int]
) -> None:
    _paminnelse_til_leder(kjerne)
    with mottaker() as egen, mottaker() as operator:
        settings_store(kjerne).lagre("leder-9", Innstillinger(None, egen.url, HEMMELIGHET), rolle="NL")
        kanaler = {"leder-9": [{"type": "webhook", "url": operator.url}]}
        assert _send(kjerne, postkasse[1], webhook_allow_private=True, kanaler=kanaler).levert == 1

    assert sum(egen.forsok.values()) == 1
    assert sum(operator.forsok.values()) == 0
    assert postkasse[0].mottatt == []


def test_without_own_settings_the_registered_leder_epost_is_used(
    kjerne: Core, postkasse: tuple[Postkasse, int]
) -> None:
    _paminnelse_til_leder(kjerne)
    assert _send(kjerne, postkasse[1]).levert == 1
    assert postkasse[0].mottatt == [["kari.nordmann@example.com"]]


def test_a_stored_webhook_into_the_private_network_is_refused_at_send_time(
    kjerne: Core, postkasse: tuple[Postkasse, int]
) -> None:
    """The address is checked again when sending (e.g. a name that now resolves to loopback)."""
    _paminnelse_til_leder(kjerne)
    with mottaker() as m:
        settings_store(kjerne).lagre("leder-9", Innstillinger(None, m.url, HEMMELIGHET), rolle="NL")
        rapport = _send(kjerne, postkasse[1])  # SYFO_WEBHOOK_ALLOW_PRIVATE off

    assert rapport.levert == 0
    assert sum(m.forsok.values()) == 0
    assert m.avvist == 0  # no request reached the receiver at all
