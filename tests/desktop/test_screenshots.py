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
from store.simulate import Scenario
from store.words import DECISIONS, PLACES, STATES, score_hex
from tests.conftest import virtual_screen
from tests.desktop.drawn import describe, painted
from tests.desktop.screenshot_app import MOMENTS, NOTE, SEARCH
from tests.desktop.test_map_and_run import LAUNCH, open_map

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "screenshots"
SIZES = ("1280x800", "1920x1080")


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
    reached = [bar for bar in shown if bar["state"] == "outcome"]  # before Play, the plan: outlines only
    assert not reached or any(bar["solid"] for bar in reached) or all(bar["at"][2] < 6 for bar in reached)
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
        # the legend: a key in each state's colour (a known unknown hollow), each filled one painted that colour where it is
        states = {key["name"]: key for key in graph["legend"] if key["group"] == "Colour = coverage"}
        assert {name: key["color"] for name, key in states.items()} == {
            state.key: None if state.key == "known_unknown" else state.colour for state in STATES.values()}
        assert all(key["at"] is not None and painted(image, seen(key["at"]), key["color"]) for key in states.values() if key["color"])
        assert {"Harbor Teams 2.0 Launch", "Snowflake"} <= set(graph["labels"])  # the most-linked notes are named


def test_what_the_map_the_run_and_the_graph_draw(qtbot, window, sample_vault, engine):
    """Offscreen, in this process: the same checks the screenshots get, on the window's own rendering."""
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    qtbot.wait(200)
    check_drawn(describe(window, "map-and-run"), window.grab().toImage(), engine)
    run = window.map_and_run.run
    run.position = len(run.result.run.events)  # the end: every step as it happened
    run._show_position()
    qtbot.waitUntil(lambda: run.timeline.glide.state() == run.timeline.glide.State.Stopped)
    drawn = describe(window, "map-and-run")
    assert all(bar["state"] == "outcome" for bar in drawn["bars"]) and any(bar["solid"] for bar in drawn["bars"])
    check_drawn(drawn, window.grab().toImage(), engine)
    window.map_and_run.left.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.map_and_run.graph is not None and window.map_and_run.graph.graph is not None, timeout=10000)
    qtbot.wait(200)
    check_drawn(describe(window, "brain-graph"), window.grab().toImage(), engine)


@pytest.mark.parametrize("size", SIZES)
def test_the_tour_in_pictures_at_laptop_and_desktop_sizes(size, sample_vault, tmp_path, engine):
    """Every moment of the README's tour, on a screen of each size, as the screen shows it (dialogs too);
    each picture is checked against what the app says it drew and what the engine says."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    work = tmp_path / "shots"
    work.mkdir()
    report, run = engine
    with Brain(sample_vault, tmp_path / "fixed.sqlite") as brain:  # the run once Territory Rules is ticked, before it is written
        brain.refresh()
        fixed = brain.read.run(LAUNCH, Scenario(assume_fixed=frozenset({"unwritten:territory rules"}))).run
    with virtual_screen(size) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
        done = subprocess.run([sys.executable, str(Path(__file__).with_name("screenshot_app.py")), str(sample_vault), str(work), size],
                              capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    width, height = map(int, size.split("x"))
    facts, images = {}, {}
    for moment in MOMENTS:
        name = f"{moment}-{size}"
        image = images[moment] = QImage(str(work / f"{name}.png"))
        assert (image.width(), image.height()) == (width, height)
        assert len({image.pixel(x, y) for x in range(0, width, 37) for y in range(0, height, 29)}) > 8  # drawn, not blank
        facts[moment] = json.loads((work / f"{name}.json").read_text(encoding="utf-8"))
        assert facts[moment]["window"][0] <= width, f"{moment}: the window fits the screen"
        if not (moment in ("workshop-capture", "session-summary") and height < 1080):  # workshop type is sized for 1080 lines
            assert facts[moment]["window"][1] <= height, f"{moment}: the window fits the screen"
        shutil.copy(work / f"{name}.png", OUTPUT / f"{name}.png")
    main_window, search = facts["main-window"], facts["search"]
    assert (main_window["title"], main_window["notes_listed"]) == (NOTE, 87)
    with Brain(sample_vault, tmp_path / "search.sqlite") as brain:
        brain.refresh()
        assert search["results"] == [hit.path for hit in brain.read.search(SEARCH)][:len(search["results"])]
    assert search["results"][:2] == ["agents/Lead Routing Agent.md", "processes/Lead Routing.md"]
    for moment in ("run-before-play", "run-waiting", "run-end"):
        check_drawn(facts[moment], images[moment], engine)
    for moment in ("run-fixed", "brain-graph", "workshop-capture"):  # Territory Rules ticked from here on
        check_drawn(facts[moment], images[moment], (report, fixed))
    assert facts["run-before-play"]["position"] == 0 and facts["run-before-play"]["event"] is None
    assert facts["run-waiting"]["event"] == ["escalate", "Define launch audiences"]  # Chris Park is asked
    assert facts["run-end"]["position"] == len(run.events) and facts["run-end"]["event"] == ["block", "Route launch leads to sales"]
    assert facts["run-fixed"]["assumed"] == ["unwritten:territory rules"] and facts["run-fixed"]["event"][0] == "finish"
    assert [path.relative_to(sample_vault).as_posix() for path in sample_vault.rglob("Territory Rules.md")] != []  # the capture was written


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
