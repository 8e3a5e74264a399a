"""A command is all or nothing: its events, its id reference and its command-log row (AUD-2) commit in one
transaction, and the answer is 2xx exactly when they were stored (VAL-9). Every command, also a repeat
(VAL-4) and a rejected one, has exactly one command-log row.

The failure is a real one: a trigger in the database refuses the command-log row, which is written after
the events inside the same transaction.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from domain.referanse import Referanse
from projections.tabeller import kjede, kommandologg

from .api_hjelp import FNR, ORG1, Miljo, fortelling, kl


def _sykmelding(**ekstra: Any) -> dict[str, Any]:
    return {
        "type": "sykmelding",
        "id": "SM-A",
        "fnr": FNR,
        "orgnr": ORG1,
        "sykmelder_id": "lege-1",
        "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
        "at": kl(date(2025, 1, 6), "07:45"),
    } | ekstra


def _nekt_kommandologg(engine: Engine) -> None:
    """The database refuses every command-log row from now on."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "CREATE FUNCTION nekt_logg() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text("CREATE TRIGGER nekt BEFORE INSERT ON kommandologg FOR EACH ROW EXECUTE FUNCTION nekt_logg()")
            )
        else:
            conn.execute(
                text("CREATE TRIGGER nekt BEFORE INSERT ON kommandologg BEGIN SELECT RAISE(ABORT, 'refused'); END")
            )


def _tillat_kommandologg(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("DROP TRIGGER nekt ON kommandologg" if conn.dialect.name == "postgresql" else "DROP TRIGGER nekt")
        )


def _lagret(m: Miljo) -> tuple[int, int, int]:
    with m.kjerne.engine.connect() as conn:
        kjedelengde = conn.execute(select(func.count()).select_from(kjede)).scalar_one()
        logg = conn.execute(
            select(func.count()).select_from(kommandologg).where(kommandologg.c.utfall == "accepted")
        ).scalar_one()
    return m.kjerne.app.siste_posisjon(), kjedelengde, logg


def _loggrader(m: Miljo) -> list[dict[str, Any]]:
    with m.kjerne.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(kommandologg).order_by(kommandologg.c.id)).mappings()]


def test_a_command_whose_log_row_fails_stores_nothing_and_is_not_answered_2xx(ny: Miljo) -> None:
    """AUD-2, VAL-9: the log row fails after the events were inserted, before the commit: all rolled back."""
    ny.lagre({"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))})
    _nekt_kommandologg(ny.kjerne.engine)
    for_ = _lagret(ny)
    app = ny.kjerne.app

    r = ny.send(_sykmelding())

    assert not 200 <= r.status_code < 300
    assert "position" not in r.text
    assert _lagret(ny) == for_
    assert app._referanse("sykmelding", "SM-A") is None
    assert Referanse.create_id("sykmelding", "SM-A") not in app.repository
    assert app.person_for_fnr(FNR) not in app.repository

    _tillat_kommandologg(ny.kjerne.engine)
    igjen = ny.send(_sykmelding())

    assert igjen.status_code == 201  # a new command, not a repeat of a half-stored one
    rader = [x for x in _loggrader(ny) if x["type"] == "sykmelding"]
    assert [(x["posisjon"], x["utfall"]) for x in rader] == [(igjen.json()["position"], "accepted")]


def test_a_refused_log_row_of_a_virksomhet_stores_nothing_either(ny: Miljo) -> None:
    _nekt_kommandologg(ny.kjerne.engine)

    r = ny.send({"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))})

    assert not 200 <= r.status_code < 300
    assert _lagret(ny) == (0, 0, 0)


def test_a_batch_whose_later_command_fails_answers_2xx_for_what_was_stored_and_names_the_failure(ny: Miljo) -> None:
    """No path answers 5xx after storing: the first command is stored, the second fails and stores nothing."""
    with ny.kjerne.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "CREATE FUNCTION nekt_sm() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.type = 'sykmelding' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text("CREATE TRIGGER nekt BEFORE INSERT ON kommandologg FOR EACH ROW EXECUTE FUNCTION nekt_sm()")
            )
        else:
            conn.execute(
                text(
                    "CREATE TRIGGER nekt BEFORE INSERT ON kommandologg WHEN NEW.type = 'sykmelding' "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )

    r = ny.klient.post(
        "/api/v1/hendelser/batch",
        json=[{"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))}, _sykmelding()],
        headers=ny.hoder("integrasjon-1", "SYSTEM"),
    )

    assert r.status_code == 200
    forste, andre = r.json()["results"]
    assert forste["status"] == 201
    assert andre["status"] == 500
    assert andre.get("position") is None
    assert r.json()["position"] == forste["position"] == ny.kjerne.app.siste_posisjon()
    assert ny.kjerne.app.person_for_fnr(FNR) not in ny.kjerne.app.repository
    assert [(x["type"], x["posisjon"]) for x in _loggrader(ny)] == [("virksomhet", forste["position"])]


def test_an_id_longer_than_the_log_column_on_postgresql_stores_nothing(ny: Miljo) -> None:
    """The case of the issue: a 100-character id answered 500 with its event stored and no log row.

    Now VAL-11 refuses it at receipt (422); its log row is a ``rejected`` one, so nothing is stored.
    """
    if ny.kjerne.engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not enforce column lengths")
    for_ = _lagret(ny)

    r = ny.send(_sykmelding(id="x" * 100))

    assert not 200 <= r.status_code < 300
    assert _lagret(ny) == for_


def test_every_2xx_command_has_exactly_one_log_row_with_its_position(ny: Miljo) -> None:
    """AUD-2: accepted, repeated and rejected commands, one at a time and in a batch, each have one row."""
    fortelling(ny)
    svar = [
        ny.send(_sykmelding()),
        ny.send(_sykmelding()),  # VAL-4: a repeat, 200
        ny.send({"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))}),  # no change
        ny.send(_sykmelding(id="SM-B", perioder=[{"fom": "2025-03-03", "tom": "2025-03-07", "grad": 10}])),  # VAL-1
        ny.send({"type": "sykmelding_annullert", "id": "finnes-ikke", "at": kl(date(2025, 1, 7))}),  # VAL-5
    ]
    batch = ny.klient.post(
        "/api/v1/hendelser/batch",
        json=[
            _sykmelding(id="SM-C", perioder=[{"fom": "2025-03-03", "tom": "2025-03-07", "grad": 100}]),
            _sykmelding(),
            {"type": "sykmelding_annullert", "id": "finnes-heller-ikke", "at": kl(date(2025, 1, 7))},
        ],
        headers=ny.hoder("integrasjon-1", "SYSTEM"),
    )
    rader = _loggrader(ny)

    assert [r.status_code for r in svar] == [201, 200, 200, 422, 422]
    for r in svar:
        egne = [x for x in rader if x["request_id"] == r.headers["x-request-id"]]
        assert len(egne) == 1
        if r.status_code < 300:
            assert egne[0]["posisjon"] == r.json()["position"]
            assert egne[0]["utfall"] == ("accepted" if r.json()["new"] else "repeat")
        else:
            assert (egne[0]["posisjon"], egne[0]["utfall"]) == (None, "rejected")
            assert egne[0]["regel"] == r.json()["rule"]
    resultater = batch.json()["results"]
    egne = [x for x in rader if x["request_id"] == batch.headers["x-request-id"]]
    assert [x["status"] for x in resultater] == [201, 200, 422]
    assert sorted((x["posisjon"] or 0, x["utfall"]) for x in egne) == sorted(
        [(resultater[0]["position"], "accepted"), (resultater[1]["position"], "repeat"), (0, "rejected")]
    )
    lagret = [x["posisjon"] for x in rader if x["utfall"] == "accepted"]
    assert len(lagret) == len(set(lagret))  # one row per stored command
    for x in rader:  # the API's clock, in UTC, whichever connection wrote the row
        t = x["tidspunkt"]
        assert (t if t.tzinfo else t.replace(tzinfo=UTC)) == ny.klokke.t
