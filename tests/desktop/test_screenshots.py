"""Screenshots of the real window on a virtual X screen (Xvfb), at laptop and desktop sizes.
They are kept under test-output/screenshots/ for a person to look at; each comes with what it
shows (tests/desktop/drawn.py, read from the models and scenes), checked against the coverage
engine and the simulation, and against the picture's own pixels: a window that draws nothing
fails, however many colours its frame has."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from desktop.models.coverage import MAP_COLUMNS
from store import clock
from store.brain import Brain
from store.words import DECISIONS, PLACES, score_hex
from tests.desktop.drawn import describe, painted
from tests.desktop.test_map_and_run import LAUNCH, open_map

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "screenshots"
SIZES = ("1280x800", "1920x1080")
NOTE = "seams/Marketo to Salesforce Lead Sync.md"


@pytest.fixture
def engine(sample_vault, tmp_path):
    """What the engine says about the sample brain: its coverage and the launch's run, as is."""
    with Brain(sample_vault, tmp_path / "engine.sqlite") as brain:
        brain.refresh()
        yield brain.read.coverage(), brain.read.simulation(LAUNCH).run()


def check_drawn(drawn: dict, image: QImage, engine, offset=(0, 0)) -> None:
    """The map's cells, the run's bars and lanes, the graph's dots: the engine's, and painted where they are."""
    report, run = engine

    def seen(at):
        return at if at is None else [at[0] + offset[0], at[1] + offset[1], at[2], at[3]]

    assert drawn["headline"] == f"The brain knows {report.overall:.0%} of what an orchestrator needs" == \
        "The brain knows 76% of what an orchestrator needs"
    steps = {step.name: step for step in run.steps}
    assert sorted(bar["name"] for bar in drawn["bars"]) == sorted(steps), "one bar per step of the run"
    for bar in drawn["bars"]:
        assert bar["color"] == DECISIONS[steps[bar["name"]].decision].colour and bar["labels"] == [bar["name"]]
    shown = [bar for bar in drawn["bars"] if bar["at"] is not None]
    assert len(shown) == len(steps), "every bar in view"
    assert all(painted(image, seen(bar["at"]), bar["color"], share=0.3) for bar in shown if bar["solid"])
    assert any(bar["solid"] for bar in shown)
    assert set(drawn["lanes"]) == {step.lane for step in run.steps}
    if "cells" in drawn:
        # a cell per area and motion with notes, and an area with no note at all is a gap (0%, red), not blank
        scored = {(a.type, a.motion): a for a in report.areas if a.motion in dict(MAP_COLUMNS) and (a.total or a.motion == "all")}
        assert sorted(tuple(c["cell"]) for c in drawn["cells"]) == sorted(scored), "a coloured cell per area and motion with notes"
        for cell in drawn["cells"]:
            area = scored[tuple(cell["cell"])]
            written = area.total - area.counts["known_unknown"]  # a known unknown is counted apart from the notes
            words = f"{area.score:.0%}\n{written} note" if written else f"{area.score:.0%}\nnone written"
            assert cell["color"] == score_hex(area.score) and cell["text"].startswith(words)
        in_view = [cell for cell in drawn["cells"] if cell["at"] is not None]
        assert len(in_view) >= len(scored) // 2, "most of the map in view"
        unpainted = [cell["cell"] for cell in in_view if not painted(image, seen(cell["at"]), cell["color"])]
        assert unpainted == [], "each cell in view is filled with its score's colour"
    if "graph" in drawn:
        graph = drawn["graph"]
        assert (graph["notes"], graph["ghosts"]) == (87, len(report.known_unknowns)) == (87, 18)  # every note, every one not written yet
        assert graph["status"].startswith("105 shown of 87 notes, 18 known unknowns")


def test_what_the_map_the_run_and_the_graph_draw(qtbot, window, sample_vault, engine):
    """Offscreen, in this process: the same checks the screenshots get, on the window's own rendering."""
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    qtbot.wait(200)
    check_drawn(describe(window, "map-and-run"), window.grab().toImage(), engine)
    window.map_and_run.left.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.map_and_run.graph is not None and window.map_and_run.graph.graph is not None, timeout=10000)
    qtbot.wait(200)
    check_drawn(describe(window, "brain-graph"), window.grab().toImage(), engine)


def test_window_and_map_screenshots_at_laptop_and_desktop_sizes(x_display, sample_vault, tmp_path, engine):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    work = tmp_path / "shots"
    work.mkdir()
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("screenshot_app.py")), str(sample_vault), str(work), *SIZES],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for name, size in ((page, size) for page in ("main-window", "map-and-run", "brain-graph") for size in SIZES):
        shot = work / f"{name}-{size}.png"
        image = QImage(str(shot))
        width, height = map(int, size.split("x"))
        assert (image.width(), image.height()) == (width, height)
        colors = {image.pixel(x, y) for x in range(0, width, 37) for y in range(0, height, 29)}
        assert len(colors) > 8  # a drawn window, not a blank screen
        drawn = json.loads((work / f"{name}-{size}.json").read_text(encoding="utf-8"))
        if name == "main-window":
            assert drawn == {"title": NOTE, "notes_listed": 87, "window_at": drawn["window_at"]}
        else:
            check_drawn(drawn, image, engine)
        shutil.copy(shot, OUTPUT / shot.name)


def test_workshop_mode_screenshots_as_a_projector_shows_them(x_display, sample_vault, tmp_path, engine):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    work = tmp_path / "shots"
    work.mkdir()
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("screenshot_app.py")), str(sample_vault), str(work), "--workshop"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("workshop-1920x1080", "workshop-capture-1920x1080", "workshop-summary-1920x1080"):
        image = QImage(str(work / f"{name}.png"))
        assert (image.width(), image.height()) == (1920, 1080)
        assert len({image.pixel(x, y) for x in range(0, 1920, 37) for y in range(0, 1080, 29)}) > 8
        shutil.copy(work / f"{name}.png", OUTPUT / f"{name}.png")
    drawn = json.loads((work / "workshop-1920x1080.json").read_text(encoding="utf-8"))
    check_drawn(drawn, QImage(str(work / "workshop-1920x1080.png")), engine, offset=drawn["window_at"])  # the whole screen
    assert (sample_vault / "processes/Territory Rules.md").exists()  # the capture in the pictures was written


def test_the_charts_draw_where_knowledge_lives_and_the_trend(qtbot, window, sample_vault, engine):
    report, _run = engine
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    titles = [page.lists.tabText(i) for i in range(page.lists.count())]
    page.lists.setCurrentIndex(titles.index("Where it lives"))
    chart = page.charts["Where it lives"]
    counts = report.notes_by_place()  # each note once, at the safest place it lives
    assert chart.bars == {place: [counts[kind].get(place, 0) for kind in counts] for place in chart.bars} and "head" in chart.bars
    assert all(place in PLACES for place in chart.bars) and "someone's head" in chart.legend.text()
    labels = [label for _kind, label in chart.canvas.areas]
    assert labels == [next(a.label for a in report.areas if a.type == kind) for kind in report.where_it_lives]  # empty areas too
    page.lists.setCurrentIndex(titles.index("Trend"))
    trend = page.charts["Trend"]
    qtbot.waitUntil(lambda: len(trend.points) >= 1, timeout=10000)
    [curve] = trend.plot.getPlotItem().listDataItems()
    xs, ys = curve.getData()
    assert len(xs) == len(trend.points) and list(ys) == [p.overall * 100 for p in trend.points]
    taken = clock.local_day(trend.points[0].taken_at)  # snapshots keep the real time they were taken
    assert trend.caption.text().startswith(f"The substrate compounds: 76% on {taken}")
