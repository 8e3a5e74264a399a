"""The dispatcher end to end: real receivers on loopback, outcomes as events, retries, dead letters.

Runs on an SQLite file and again on PostgreSQL (``database_url``). Time is a virtual clock passed to
``Utsender.kjor``; the network, the receivers and the databases are real.
"""

from __future__ import annotations

import email
import email.policy
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lesemodell_hjelp import tabeller
from leveringshjelp import HEMMELIGHET, LoopbackSmtp, lag_sendte, mottaker
from sqlalchemy import select

from domain.levering import FEILET, LEVERT, OPPGITT
from domain.sykefravaer import Sykefravaer
from projections.sporringer import aware
from projections.tabeller import paminnelser
from scheduler.kanal import EMNE, MELDINGSTEKST
from scheduler.utsender import Utsender
from service.bootstrap import Core, build_core, build_dispatcher
from service.delivery.channels import Kanaloppsett
from service.settings import Settings

NAA = datetime(2025, 1, 20, 7, 0, tzinfo=UTC)


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = build_core(Settings(database_url=database_url, data_dir=tmp_path))
    yield k
    k.close()


def utsender(kjerne: Core, kanaler: dict[str, list[dict[str, str]]], **ekstra: Any) -> Utsender:
    ekstra.setdefault("webhook_timeout_s", 10.0)
    settings = Settings(kanaler=kanaler, webhook_secret=HEMMELIGHET, **ekstra)
    return build_dispatcher(kjerne, Kanaloppsett(settings), settings)


def leveringer(kjerne: Core) -> list[dict[str, Any]]:
    kjerne.oppdaterer.fang_opp()
    p = paminnelser.c
    with kjerne.engine.connect() as conn:
        q = select(p.id, p.levering, p.forsok, p.neste_forsok, p.levering_detalj).where(p.levering.is_not(None))
        return [dict(r) for r in conn.execute(q.order_by(p.id)).mappings()]


def hendelser(kjerne: Core, typ: type) -> list[Any]:
    app = kjerne.app
    return [e for pid in app.personer() for e in app.repository.event_store.get(pid) if isinstance(e, typ)]


def test_webhook_delivery_end_to_end_signed_once_each_and_recorded_as_events(kjerne: Core) -> None:
    lag_sendte(kjerne.app, 3, 4, NAA)
    kjerne.oppdaterer.fang_opp()
    with mottaker() as m:
        u = utsender(kjerne, {"rolle:NL": [{"type": "webhook", "url": m.url + "/ok"}]})

        rapport = u.kjor(NAA)
        igjen = u.kjor(NAA + timedelta(hours=1))

    assert rapport.levert == 12
    assert igjen.meldinger == 0  # nothing is sent twice
    assert m.avvist == 0  # every signature verified by the receiver
    assert len(m.levert) == 12
    assert set(m.forsok.values()) == {1}
    assert {b["tekst"] for b in m.kropper} == {MELDINGSTEKST}
    assert "P-1" not in repr(m.kropper)  # no fødselsnummer leaves the service (PRIV-1, RP-10)
    assert {r["levering"] for r in leveringer(kjerne)} == {LEVERT}
    ferdig = hendelser(kjerne, Sykefravaer.LeveringFerdig)
    assert len(ferdig) == 12
    assert {e.status for e in ferdig} == {LEVERT}
    assert len(hendelser(kjerne, Sykefravaer.LeveringFullfort)) == 24  # webhook and inbox, per reminder


def test_email_through_a_real_smtp_server_says_only_that_a_task_exists(kjerne: Core) -> None:
    mottatt: list[Any] = []

    class Behandler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: ARG002
            mottatt.append(envelope)
            return "250 OK"

    smtp = LoopbackSmtp(Behandler())
    smtp.start()
    try:
        port = smtp.port
        lag_sendte(kjerne.app, 1, 2, NAA)
        kjerne.oppdaterer.fang_opp()
        u = utsender(kjerne, {"rolle:NL": [{"type": "epost", "adresse": "leder@example.test"}]}, smtp_port=port)
        rapport = u.kjor(NAA)
    finally:
        smtp.stop()

    assert rapport.levert == 2
    assert len(mottatt) == 2
    for env in mottatt:
        msg = email.message_from_bytes(env.content, policy=email.policy.default)
        del_ = msg.get_payload(0) if msg.is_multipart() else msg
        tekst = del_.get_payload(decode=True).decode()
        assert env.rcpt_tos == ["leder@example.test"]
        assert msg["Subject"] == EMNE
        assert MELDINGSTEKST in tekst
        assert "P-0" not in env.content.decode()


def test_a_failing_receiver_gets_growing_retries_then_a_dead_letter(kjerne: Core) -> None:
    lag_sendte(kjerne.app, 1, 1, NAA)
    kjerne.oppdaterer.fang_opp()
    with mottaker() as m:
        u = utsender(
            kjerne,
            {"rolle:NL": [{"type": "webhook", "url": m.url + "/feil"}]},
            levering_maks_forsok=4,
            levering_basis_s=10,
        )
        u.tilfeldig = lambda: 0.999  # the top of each jitter window, so the growth is visible
        naa = NAA
        ventetider = []
        for _ in range(4):
            rapport = u.kjor(naa)
            assert rapport.meldinger == 1
            (rad,) = leveringer(kjerne)
            if rad["levering"] == OPPGITT:
                break
            neste = aware(rad["neste_forsok"])
            ventetider.append(neste - naa)
            assert u.kjor(neste - timedelta(seconds=1)).meldinger == 0  # not before its time
            naa = neste

    (rad,) = leveringer(kjerne)
    assert rad["levering"] == OPPGITT  # dead letter after the fourth attempt
    assert rad["forsok"] == 4
    assert rad["levering_detalj"] == "http 500"
    assert sum(m.forsok.values()) == 4
    assert len(ventetider) == 3
    assert all(a < b for a, b in itertools.pairwise(ventetider))  # exponential: 10 s, 20 s, 40 s windows
    assert [e.status for e in hendelser(kjerne, Sykefravaer.LeveringFerdig)] == [OPPGITT]
    assert len(hendelser(kjerne, Sykefravaer.LeveringFeilet)) == 3


def test_a_receiver_that_times_out_is_retried(kjerne: Core) -> None:
    lag_sendte(kjerne.app, 1, 1, NAA)
    kjerne.oppdaterer.fang_opp()
    with mottaker() as m:
        u = utsender(kjerne, {"rolle:NL": [{"type": "webhook", "url": m.url + "/treg"}]}, webhook_timeout_s=0.5)
        rapport = u.kjor(NAA)

    (rad,) = leveringer(kjerne)
    assert rapport.feilet == 1
    assert rad["levering"] == FEILET
    assert rad["levering_detalj"] == "tidsavbrudd"
    assert rad["forsok"] == 1


def test_a_rebuild_restores_what_was_delivered_and_sends_nothing_again(kjerne: Core) -> None:
    lag_sendte(kjerne.app, 2, 3, NAA)
    kjerne.oppdaterer.fang_opp()
    with mottaker() as m:
        u = utsender(kjerne, {"rolle:NL": [{"type": "webhook", "url": m.url + "/ok"}]})
        u.kjor(NAA)
        kjerne.oppdaterer.fang_opp()
        live = tabeller(kjerne.engine)

        kjerne.oppdaterer.gjenoppbygg()
        etter = u.kjor(NAA + timedelta(days=1))

    assert tabeller(kjerne.engine) == live
    assert etter.meldinger == 0
    assert sum(m.forsok.values()) == 6


def test_a_recipient_with_several_roles_gets_one_message_per_reminder(kjerne: Core) -> None:
    """RP-8: the same person as NL and HR for the same milestone and stage on one day: one message."""
    from datetime import date

    from domain.paminnelser import SENDT, Beslutning, Trinn

    app = kjerne.app
    lag_sendte(app, 1, 0, NAA)
    person = app.person(app.person_for_fnr("P-0"))
    felles = ("sak", "sak", "oppfolgingsplan", "escalation")
    person.registrer(
        [
            Beslutning(Trinn("RM-3", *felles, "NL", date(2025, 1, 20)), NAA, "sjef-1", SENDT),
            Beslutning(Trinn("RM-3", *felles, "HR", date(2025, 1, 20)), NAA, "sjef-1", SENDT),
        ]
    )
    app.save(person)
    kjerne.oppdaterer.fang_opp()
    with mottaker() as m:
        u = utsender(kjerne, {"sjef-1": [{"type": "webhook", "url": m.url + "/ok"}]})
        rapport = u.kjor(NAA)

    assert rapport.meldinger == 1
    assert sum(m.forsok.values()) == 1
    assert {r["levering"] for r in leveringer(kjerne)} == {LEVERT}  # both reminders recorded as delivered


def test_a_leader_without_channels_of_their_own_gets_email_at_the_registered_leder_epost(kjerne: Core) -> None:
    """Issue 14: ``narmeste_leder.leder_epost`` is the leader's default channel; no operator setting needed."""
    mottatt: list[Any] = []

    class Behandler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: ARG002
            mottatt.append(envelope)
            return "250 OK"

    from domain.paminnelser import SENDT, Beslutning, Trinn

    app = kjerne.app
    app.behandle(
        app.les(
            {
                "at": "2025-01-06T07:00:00+01:00",
                "type": "narmeste_leder",
                "fnr": "P-9",
                "orgnr": "ORG-1",
                "leder_id": "leder-9",
                "leder_navn": "Kari Nordmann",
                "leder_epost": "kari.nordmann@example.com",
                "fom": "2024-01-01",
            }
        )
    )
    app.behandle(
        app.les(
            {
                "at": "2025-01-06T07:30:00+01:00",
                "type": "sykmelding",
                "id": "SM-9",
                "fnr": "P-9",
                "orgnr": "ORG-1",
                "perioder": [{"fom": "2025-01-06", "tom": "2025-03-31", "grad": 100}],
            }
        )
    )
    person = app.person(app.person_for_fnr("P-9"))
    t = Trinn("RM-1", "sak", "sak", "oppfolgingsplan", "before", "NL", NAA.date())
    person.registrer([Beslutning(t, NAA, "leder-9", SENDT)])
    app.save(person)
    smtp = LoopbackSmtp(Behandler())
    smtp.start()
    try:
        rapport = utsender(kjerne, {}, smtp_port=smtp.port).kjor(NAA)
    finally:
        smtp.stop()

    assert rapport.levert == 1
    assert [env.rcpt_tos for env in mottatt] == [["kari.nordmann@example.com"]]
    assert "Kari" not in mottatt[0].content.decode()  # RP-10: the text names nobody


def test_links_in_messages_are_built_from_syfo_offentlig_url(kjerne: Core) -> None:
    lag_sendte(kjerne.app, 1, 1, NAA)
    with mottaker() as m:
        u = utsender(kjerne, {"rolle:NL": [{"type": "webhook", "url": m.url}]}, offentlig_url="https://syfo.example.no")
        assert u.kjor(NAA).levert == 1
    assert [k["lenke"] for k in m.kropper] == ["https://syfo.example.no/"]
