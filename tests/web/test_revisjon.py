"""The auditor's page (AUD-1, AUD-2, T-7, ACC-7): event by event, what changed between two events, the read
log, and the export as JSON lines."""

from __future__ import annotations

import json
import re

from service.devtools import demodata
from service.web.maler import dato

from .web_hjelp import P2, P4, Web, dag

RAD = re.compile(r'<tr class="[^"]*" data-kjent="(ja|nei)" data-versjon="(\d+)"')


def _rader(html: str) -> list[tuple[str, int]]:
    return [(k, int(v)) for k, v in RAD.findall(html)]


def test_the_auditor_steps_event_by_event_each_step_knowing_exactly_one_more_event(demo: Web) -> None:
    """To the event, not the minute: the demo's events share minutes, yet each step adds one."""
    demo.logg_inn(demodata.REVISOR, "AUDITOR")
    sak = demo.sak(P4)
    antall = len(_rader(demo.klient.get(f"/revisjon/saker/{sak}").text))
    assert antall >= 3

    for n in (1, 2, antall - 1):
        html = demo.klient.get(f"/revisjon/saker/{sak}?versjon={n}").text
        assert [v for k, v in _rader(html) if k == "ja"] == list(range(1, n + 1))
        assert f"kjent etter hendelse {n} av {antall}" in html
        neste = f'href="/revisjon/saker/{sak}?vindu=alt&amp;versjon={n + 1}">Neste hendelse'
        assert neste in html
        if n > 1:
            assert f'href="/revisjon/saker/{sak}?vindu=alt&amp;versjon={n - 1}">Forrige hendelse' in html
    assert P4.fnr not in html


def test_the_history_shows_the_recorded_time_to_the_second(demo: Web) -> None:
    demo.logg_inn(demodata.REVISOR, "AUDITOR")

    html = demo.klient.get(f"/revisjon/saker/{demo.sak(P2)}").text

    assert re.search(r"<td>\d+\. [a-zæøå.]+ \d{4} kl\. \d\d\.\d\d\.\d\d</td>", html)


def test_changed_between_two_events_shows_the_late_sick_note_moving_the_plan_deadline(demo: Web) -> None:
    """T-7: P4's late sick note moved S 14 days earlier, and the plan's due date with it."""
    demo.logg_inn(demodata.REVISOR, "AUDITOR")
    sak = demo.sak(P4)
    html = demo.klient.get(f"/revisjon/saker/{sak}").text
    celler = r"\s*<td>[^<]*</td>" * 3
    rad = r'data-versjon="(\d+)">\s*<td><a[^>]*>\d+</a></td>' + celler + r"\s*<td>Sykmelding mottatt"
    sykmeldinger = re.findall(rad, html)
    siste = int(sykmeldinger[-1])

    endret = demo.klient.get(f"/revisjon/saker/{sak}?fra={siste - 1}&til={siste}").text

    assert f"Mellom hendelse {siste - 1} og {siste}: 1 hendelse," in endret
    frister = endret.split('id="endrede-frister"')[1].split("</ul>")[0]
    assert f"Oppfølgingsplan: {dato(dag(17))}" in frister
    assert f"→ {dato(dag(3))}" in frister


def test_the_read_log_of_the_case_is_on_the_page(demo: Web) -> None:
    sak = demo.sak(P2)
    demo.logg_inn("NAV", "NAV")
    demo.klient.get(f"/saker/{sak}")
    demo.logg_inn(demodata.REVISOR, "AUDITOR")

    html = demo.klient.get(f"/revisjon/saker/{sak}").text

    logg = html.split('id="lesninger"')[1].split("</table>")[0]
    assert '<tr data-visning="tidslinje">' in logg
    assert "<td>NAV</td><td>NAV</td><td>Tidslinjen</td>" in logg


def test_the_export_is_one_json_line_per_event_and_is_logged(demo: Web) -> None:
    demo.logg_inn(demodata.REVISOR, "AUDITOR")
    sak = demo.sak(P4)
    antall = len(_rader(demo.klient.get(f"/revisjon/saker/{sak}").text))

    r = demo.klient.get(f"/revisjon/saker/{sak}/historikk.jsonl")

    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    linjer = [json.loads(x) for x in r.text.splitlines()]
    assert [x["version"] for x in linjer] == list(range(1, antall + 1))
    assert all(x["link"]["stream_hash"] and x["export_of"] == sak for x in linjer)
    assert P4.fnr not in r.text  # ACC-7


def test_only_history_readers_export(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")

    assert demo.klient.get(f"/revisjon/saker/{demo.sak(P4)}/historikk.jsonl").status_code == 404
