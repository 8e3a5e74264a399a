"""WCAG 2.1 AA for the status colours: text 4.5:1 (SC 1.4.3), graphical pins and markers 3:1 (SC 1.4.11).

The palette is the one the pages use: ``/static/palett.css`` and the SVG are generated from it.
"""

from __future__ import annotations

import re

import pytest

from service.web.palett import (
    DEMPET_TEKST,
    FARGER,
    HVIT,
    MARKORER,
    RADBAKGRUNN,
    STOLPER,
    TEKST,
    css,
    kontrast,
    relativ_luminans,
)

TEKST_MIN = 4.5
GRAFIKK_MIN = 3.0
BAKGRUNNER = (HVIT, RADBAKGRUNN)  # the page, and every other row of the timeline picture


def test_the_contrast_of_black_on_white_is_21_and_of_a_colour_with_itself_1() -> None:
    assert kontrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert kontrast("#777777", "#777777") == pytest.approx(1.0)
    assert relativ_luminans("#ffffff") == pytest.approx(1.0)


def test_the_contrast_is_symmetric_and_matches_a_published_pair() -> None:
    # #767676 on white is the classic lightest AA grey: 4.54:1.
    assert kontrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert kontrast("#ffffff", "#767676") == kontrast("#767676", "#ffffff")


@pytest.mark.parametrize("status", sorted(FARGER))
@pytest.mark.parametrize("bakgrunn", BAKGRUNNER)
def test_status_text_meets_aa_on_the_page_and_the_picture(status: str, bakgrunn: str) -> None:
    assert kontrast(FARGER[status].tekst, bakgrunn) >= TEKST_MIN


@pytest.mark.parametrize("status", sorted(FARGER))
def test_status_text_meets_aa_on_its_own_badge(status: str) -> None:
    f = FARGER[status]
    assert kontrast(f.tekst, f.bakgrunn) >= TEKST_MIN


@pytest.mark.parametrize("status", sorted(FARGER))
@pytest.mark.parametrize("bakgrunn", BAKGRUNNER)
def test_deadline_pins_meet_the_graphics_ratio(status: str, bakgrunn: str) -> None:
    assert kontrast(FARGER[status].pin, bakgrunn) >= GRAFIKK_MIN


@pytest.mark.parametrize("navn", sorted(MARKORER))
@pytest.mark.parametrize("bakgrunn", BAKGRUNNER)
def test_reminder_markers_and_the_today_line_meet_the_graphics_ratio(navn: str, bakgrunn: str) -> None:
    assert kontrast(MARKORER[navn], bakgrunn) >= GRAFIKK_MIN


@pytest.mark.parametrize("navn", sorted(STOLPER))
def test_labels_on_sick_note_bars_meet_aa(navn: str) -> None:
    assert kontrast(STOLPER[navn].tekst, STOLPER[navn].fyll) >= TEKST_MIN


@pytest.mark.parametrize("navn", sorted(STOLPER))
@pytest.mark.parametrize("bakgrunn", BAKGRUNNER)
def test_sick_note_bars_stand_out_from_the_rows(navn: str, bakgrunn: str) -> None:
    f = STOLPER[navn]
    assert kontrast(f.kant or f.fyll, bakgrunn) >= GRAFIKK_MIN  # a pale bar by its outline


def test_a_graded_bar_stands_out_from_a_full_one_next_to_it() -> None:
    assert kontrast(STOLPER["gradert"].fyll, STOLPER["helt"].fyll) >= GRAFIKK_MIN


@pytest.mark.parametrize("farge", [TEKST, DEMPET_TEKST])
@pytest.mark.parametrize("bakgrunn", BAKGRUNNER)
def test_body_text_meets_aa(farge: str, bakgrunn: str) -> None:
    assert kontrast(farge, bakgrunn) >= TEKST_MIN


def test_every_status_has_its_own_shape_or_word_so_colour_is_not_the_only_cue() -> None:
    ord_ = [f.navn for f in FARGER.values()]
    assert len(set(ord_)) == len(ord_)  # WCAG 1.4.1: the word always goes with the colour
    former = {f.form for n, f in FARGER.items() if n not in ("lapsed", "not_applicable")}
    assert len(former) == len(FARGER) - 2


def test_the_stylesheet_is_generated_from_the_palette() -> None:
    tekst = css()

    for navn, f in FARGER.items():
        assert f"--{navn}-tekst: {f.tekst};" in tekst
        assert f"--{navn}-pin: {f.pin};" in tekst
    assert re.findall(r"#[0-9a-f]{6}", tekst)
