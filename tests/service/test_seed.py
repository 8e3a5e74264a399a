"""``syfo seed``: deterministic synthetic cases that the real application accepts, with variety."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from domain.identer import fodselsdato, gyldig_fnr, gyldig_orgnr
from domain.kommandoer import SKJEMA, UNNTAK_TABELL, les_kommando
from domain.tilfelle import del_i_tilfeller
from service.bootstrap import build_app
from service.cli import app as cli
from service.devtools import seed as seedmodul
from service.devtools.seed import REFERANSEDATO, generer, generer_per_sak, seed
from service.settings import Settings
from service.store.database import lesemodell_engine
from service.store.migrations import oppgrader

MANGE = 200


@pytest.fixture(autouse=True)
def _uten_syfo_miljo(monkeypatch: pytest.MonkeyPatch) -> None:
    for navn in ("SYFO_DATABASE_URL", "SYFO_DATA_DIR", "SYFO_ID_NOKKEL"):
        monkeypatch.delenv(navn, raising=False)


@pytest.fixture(scope="module")
def mange() -> list[dict[str, Any]]:
    return list(generer(MANGE, seed=11))


def _d(tekst: str) -> date:
    return date.fromisoformat(tekst)


def _dager(fom: date, tom: date) -> Iterator[date]:
    while fom <= tom:
        yield fom
        fom += timedelta(days=1)


def _sykedager(kommandoer: list[dict[str, Any]]) -> dict[tuple[str, str], set[date]]:
    """Sick days per (fnr, orgnr), leaving out annulled notes (arbeid_gjenopptatt is ignored)."""
    annullert = {d["id"] for d in kommandoer if d["type"] == "sykmelding_annullert"}
    ut: dict[tuple[str, str], set[date]] = defaultdict(set)
    for d in kommandoer:
        if d["type"] == "egenmelding":
            ut[d["fnr"], d["orgnr"]].update(_dager(_d(d["fom"]), _d(d["tom"])))
        elif d["type"] == "sykmelding" and d["id"] not in annullert:
            for p in d["perioder"]:
                ut[d["fnr"], d["orgnr"]].update(_dager(_d(p["fom"]), _d(p["tom"])))
    return ut


def test_the_same_seed_gives_the_same_commands_and_another_seed_others() -> None:
    forste = list(generer(25, seed=3))

    assert list(generer(25, seed=3)) == forste
    assert list(generer(25, seed=4)) != forste
    assert list(generer(10, seed=3)) == forste[: len(list(generer(10, seed=3)))]


def test_every_fnr_passes_val_3_and_is_synthetic_with_month_plus_80(mange: list[dict[str, Any]]) -> None:
    fnr = {d["fnr"] for d in mange if "fnr" in d}

    assert len(fnr) == MANGE
    for f in fnr:
        assert gyldig_fnr(f), f
        assert 81 <= int(f[2:4]) <= 92, f  # no real person has a month above 12
        assert fodselsdato(f) is not None, f  # BD-1 still reads the birth date


def test_every_orgnr_has_a_valid_check_digit_and_one_virksomhet_command(mange: list[dict[str, Any]]) -> None:
    brukt = {d["orgnr"] for d in mange if "orgnr" in d}
    virksomheter = [d for d in mange if d["type"] == "virksomhet"]

    assert all(gyldig_orgnr(o) and o.startswith("3") for o in brukt)
    assert sorted(d["orgnr"] for d in virksomheter) == sorted(brukt)
    assert all(d["hr_id"] for d in virksomheter)
    assert len(brukt) >= 100
    assert len({d["leder_id"] for d in mange if d["type"] == "narmeste_leder"}) >= 150


def test_commands_are_read_with_id_validation_and_carry_only_listed_fields(mange: list[dict[str, Any]]) -> None:
    for d in mange:
        les_kommando(d, valider_identer=True)
        assert set(d) <= set(SKJEMA[d["type"]]) | {"type", "at"}
        if d["type"] == "unntak":
            av, koder = UNNTAK_TABELL[d["frist"]]
            assert (d["av"], d["arsak"] in koder) == (av, True)


def test_no_date_lies_after_the_reference_date_and_each_case_is_in_at_order() -> None:
    for liste in generer_per_sak(MANGE, seed=11):
        tider = [datetime.fromisoformat(d["at"]) for d in liste if d["type"] != "virksomhet"]

        assert tider == sorted(tider)
        assert all(t.utcoffset() is not None for t in tider)
        for d in liste:
            datoer = [d["at"][:10], d.get("fom"), d.get("tom"), d.get("dato"), d.get("tidspunkt", "")[:10] or None]
            datoer += [p["tom"] for p in d.get("perioder", ())]
            assert all(_d(x) <= REFERANSEDATO for x in datoer if x), d
        starter = [_d(p["fom"]) for d in liste for p in d.get("perioder", ())]
        assert not starter or min(starter) >= REFERANSEDATO - timedelta(days=731)


def test_grades_change_within_and_between_sick_notes(mange: list[dict[str, Any]]) -> None:
    notater = [d for d in mange if d["type"] == "sykmelding"]
    i_ett = [d for d in notater if len({p["grad"] for p in d["perioder"]}) > 1]
    grader: dict[tuple[str, str], list[int]] = defaultdict(list)
    for d in notater:
        grader[d["fnr"], d["orgnr"]].extend(p["grad"] for p in d["perioder"])
    nedtrapping = [g for g in grader.values() if g[0] == 100 and min(g) <= 60]

    assert len(i_ett) >= 10
    assert len(nedtrapping) >= 10
    assert {p["grad"] for d in notater for p in d["perioder"]} >= {100, 80, 60, 50, 40, 20}


def test_some_gaps_join_a_tilfelle_and_some_split_it(mange: list[dict[str, Any]]) -> None:
    hull: list[int] = []
    for dager in _sykedager(mange).values():
        ordnet = sorted(dager)
        hull += [(b - a).days - 1 for a, b in pairwise(ordnet) if (b - a).days > 1]
    delt = [t for dager in _sykedager(mange).values() if len(t := del_i_tilfeller(dager)) > 1]

    assert sum(1 for h in hull if h <= 15) >= 10
    assert sum(1 for h in hull if h >= 16) >= 10
    assert {15, 16} <= set(hull)  # both sides of TF-2's boundary
    assert len(delt) >= 10


def test_egenmeldinger_leader_changes_and_second_employers_occur(mange: list[dict[str, Any]]) -> None:
    ledere: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in mange:
        if d["type"] == "narmeste_leder":
            ledere[d["fnr"], d["orgnr"]].add(d["leder_id"])
    arbeidsgivere: dict[str, set[str]] = defaultdict(set)
    for d in mange:
        if d["type"] == "sykmelding":
            arbeidsgivere[d["fnr"]].add(d["orgnr"])

    assert sum(1 for d in mange if d["type"] == "egenmelding") >= 20
    assert sum(1 for s in ledere.values() if len(s) > 1) >= 10
    assert sum(1 for s in arbeidsgivere.values() if len(s) > 1) >= 5


def test_oppfolgingsplan_is_sometimes_met_in_time_and_sometimes_late_or_never(mange: list[dict[str, Any]]) -> None:
    planer: dict[tuple[str, str], list[date]] = defaultdict(list)
    for d in mange:
        if d["type"] == "oppfolgingsplan_ferdig":
            planer[d["fnr"], d["orgnr"]].append(_d(d["dato"]))
    i_tide = sent = aldri = 0
    for sak, dager in _sykedager(mange).items():
        for t in del_i_tilfeller(dager):
            frist = t.start + timedelta(days=27)  # OP-1
            if t.slutt < frist:
                continue
            egne = [p for p in planer[sak] if t.inneholder_vindu(p)]
            if not egne:
                aldri += 1
            elif min(egne) <= frist:
                i_tide += 1
            else:
                sent += 1

    assert i_tide >= 20
    assert sent >= 5
    assert aldri >= 10


def test_meetings_exemptions_assessments_and_consents_occur(mange: list[dict[str, Any]]) -> None:
    antall: dict[str, int] = defaultdict(int)
    for d in mange:
        antall[d["type"]] += 1
    moter = {d["mote"] for d in mange if d["type"] == "dialogmote_innkalt"}
    utfall = {d["utfall"] for d in mange if d["type"] == "aktivitetskrav_vurdert"}
    frister = {d["frist"] for d in mange if d["type"] == "unntak"}

    assert antall["dialogmote_avholdt"] >= 20
    assert antall["dialogmote_innkalt"] > antall["dialogmote_avholdt"]  # some never held
    assert moter >= {1, 2}
    assert utfall >= {"OPPFYLT", "UNNTAK", "IKKE_OPPFYLT"}
    assert len(frister) >= 3
    assert antall["samtykke_gitt"] >= 5
    assert antall["oppfolgingsplan_delt"] >= 20
    assert antall["sykmelding_annullert"] >= 1
    assert antall["arbeid_gjenopptatt"] >= 1


def test_the_application_accepts_or_refuses_every_seeded_command_and_the_refusals_are_counted(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    oppgrader(lesemodell_engine(settings))  # the delivery outbox lives beside the read models
    app = build_app(settings)
    fremdrift: list[tuple[int, int]] = []
    try:
        resultat = seed(app, 30, 2, progress=lambda saker, kommandoer: fremdrift.append((saker, kommandoer)))

        assert resultat.cases == 30
        assert resultat.kommandoer + resultat.avviste == len(list(generer(30, 2)))
        assert resultat.kommandoer > 0.9 * len(list(generer(30, 2)))  # the stories are mostly acceptable
        assert fremdrift[-1] == (30, resultat.kommandoer)
        assert len(list(app.personer())) == 30

        igjen = seed(app, 30, 2)

        assert (igjen.cases, igjen.hoppet_over) == (0, 30)
        assert igjen.kommandoer == sum(1 for d in generer(30, 2) if d["type"] == "virksomhet")
    finally:
        app.close()


def test_syfo_seed_fills_the_configured_database_and_exits_0(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["seed", "--cases", "5", "--seed", "4"], env={"SYFO_DATA_DIR": str(tmp_path)})

    assert res.exit_code == 0, res.output
    assert "seeded 5 cases" in res.stdout
    assert (tmp_path / "syfo.db").exists()


def test_syfo_seed_names_a_refused_command_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feil = {"at": "2026-01-05T09:00:00+01:00", "type": "unntak_trukket", "fnr": "01817012345", "orgnr": "310000005"}
    feil |= {"dato": "2026-01-05", "frist": "oppfolgingsplan"}
    monkeypatch.setattr(seedmodul, "generer_per_sak", lambda *_: iter([[feil]]))

    res = CliRunner().invoke(cli, ["seed", "--cases", "1"], env={"SYFO_DATA_DIR": str(tmp_path)})

    assert res.exit_code == 1
    assert "VAL-3" in res.stderr
    assert '"unntak_trukket"' in res.stderr


def test_a_command_the_application_refuses_is_counted_by_rule_not_filtered_by_the_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No second validator: the application alone decides (VAL-5: an annulment needs its sick note)."""
    story = [d for d in next(generer_per_sak(1, seed=5)) if d["type"] in ("virksomhet", "sykmelding")][:2]
    annullert = {"at": story[-1]["at"], "type": "sykmelding_annullert", "id": "finnes-ikke"}
    monkeypatch.setattr(seedmodul, "generer_per_sak", lambda *_: iter([[*story, annullert]]))
    app = build_app(Settings(data_dir=tmp_path))
    try:
        resultat = seed(app, 1, 5)
    finally:
        app.close()

    assert resultat.kommandoer == len(story)
    assert resultat.avvist == {"VAL-5": 1}
