"""The run's timeline tells its story on its own, at laptop and desktop sizes and in a projector's large
type: a time axis in days, the deadline, the plan before Play, each step revealed as it happens, why a
step waits or is blocked said on the bar, a legend, and "late" when it ends after the deadline."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from desktop.views.workshop import projector_style
from store.simulate import format_hours
from store.words import DECISIONS, TIMING
from tests.desktop.test_map_and_run import open_map
from tests.store.test_cli import run as cli

SIZES = [(1280, 800, False), (1920, 1080, False), (1280, 800, True), (1920, 1080, True)]
WAIT = "asks Chris Park — Expansion-Ready Accounts lives only in someone's head and Slack"
BLOCK = "blocked — Territory Rules was never written"


def panel_of(window):
    return window.map_and_run.run


def go_to(qtbot, panel, position: int) -> None:
    """Step the run to `position` events, and wait for the now line's glide to arrive."""
    panel.position = position
    panel._show_position()
    qtbot.waitUntil(lambda: panel.timeline.glide.state() == panel.timeline.glide.State.Stopped, timeout=3000)


def at_event(panel, kind: str, step: str | None = None) -> int:
    return next(i for i, e in enumerate(panel.result.run.events, start=1) if e.kind == kind and (step is None or e.step == step))


def on_screen(view, item) -> QRectF:
    """An item's rectangle in the viewport's pixels."""
    return QRectF(view.mapFromScene(item.sceneBoundingRect()).boundingRect())


def inside(view, item) -> bool:
    return QRectF(view.viewport().rect()).adjusted(-0.5, -0.5, 0.5, 0.5).contains(on_screen(view, item))


def texts(view) -> list[QGraphicsSimpleTextItem]:
    return [item for item in view.scene().items() if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible()]  # a hidden callout hides its words


def sized(qtbot, window, sample_vault, width: int, height: int, workshop: bool):
    open_map(qtbot, window, sample_vault)
    if workshop:  # the projector's large type, as workshop mode sets it
        window.setStyleSheet(projector_style(window.font().pointSizeF() if window.font().pointSizeF() > 0 else 10))
    window.resize(width, height)
    qtbot.wait(150)
    return panel_of(window)


def header(panel) -> str:
    """The run header's second line: the plan, or how the run ends."""
    return panel.summary.text().split("\n")[1]


def assume_fixed(qtbot, panel, *titles: str) -> None:
    for title in titles:
        row = next(r for r, g in enumerate(panel.gaps.rows) if g.title == title)
        panel.gaps.setData(panel.gaps.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
        qtbot.waitUntil(lambda: title in panel.result.simulation.describe(panel.result.scenario), timeout=10000)
    qtbot.waitUntil(lambda: panel.impact is not None and panel.impact is not None, timeout=10000)


@pytest.mark.parametrize(("width", "height", "workshop"), [*SIZES, (1024, 700, False)])  # the last: too narrow for whole names
def test_no_label_spills_over_a_bar_or_off_the_view(qtbot, window, sample_vault, width, height, workshop):
    panel = sized(qtbot, window, sample_vault, width, height, workshop)
    view = panel.timeline
    for position in (0, at_event(panel, "escalate"), at_event(panel, "block", "Route launch leads to sales"), len(panel.result.run.events)):
        go_to(qtbot, panel, position)
        shown = texts(view)
        assert shown, "the timeline draws words"
        outside = [item.text() for item in shown if not inside(view, item)]
        assert outside == [], f"cut off at the view's edge at event {position}"
        first_bar = min(on_screen(view, bar).left() for bar in [*view.bars.values(), *view.outlines.values()] if bar.isVisible())
        for name, label in view.names.items():
            assert on_screen(view, label).right() <= first_bar + 0.5, f"{name!r}'s label runs into the bars"
            assert label.toolTip() == name and (label.text() == name or label.text().endswith("…"))
        for name, callout in view.callouts.items():
            if not callout.isVisible():
                continue
            # whole, on one line or wrapped onto several, at every size and in a projector's large type too
            assert inside(view, callout) and callout.text.text().replace("\n", " ") == callout.words, callout.text.text()
            assert callout.words in callout.toolTip()
            others = [other for other, bar in view.bars.items() if other != name and bar.isVisible()
                      and on_screen(view, bar).intersects(on_screen(view, callout).adjusted(1, 1, -1, -1))]
            assert others == [], f"{name!r}'s callout covers another step's bar"
        for bar in view.bars.values():  # a blocked bar never ends, and still stops at the edge
            assert not bar.isVisible() or inside(view, bar)


def test_before_play_the_plan_is_outlined_and_at_the_end_every_bar_shows_its_decision(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    view = panel.timeline
    go_to(qtbot, panel, 0)
    plan = {"Define launch audiences": (0, 72), "Build B2B launch campaign": (72, 192), "Build B2C invite journey": (72, 168),
            "Route launch leads to sales": (192, 216), "Report launch results": (216, 264)}  # durations alone, no waits or blocks
    assert view.plan == plan
    assert not any(bar.isVisible() for bar in view.bars.values()), "no outcome before Play"
    for name, outline in view.outlines.items():
        assert outline.isVisible() and outline.brush().style() == Qt.BrushStyle.NoBrush  # outlined, not filled
        assert abs(outline.rect().left() - view._x(plan[name][0])) < 0.5 and abs(outline.rect().right() - view._x(plan[name][1])) < 0.5
    assert view.plan_label.isVisible() and view.plan_label.text() == "plan: done in 11d · on time"
    assert not view._playhead.isVisible() and not view.end_label.isVisible()

    # mid-run, at the wait: the first step's bar runs from its start to the now line; the rest are still the plan
    go_to(qtbot, panel, at_event(panel, "finish", "Define launch audiences") - 1)
    clock = panel.current_event().hours
    define = view.bars["Define launch audiences"]
    assert define.isVisible() and view._playhead.isVisible() and abs(view._playhead.x() - view._x(clock)) < 0.5
    assert abs(define.rect().right() - view._x(clock)) < 0.5 and define.brush().color().name() == DECISIONS["escalated"].colour
    assert not view.bars["Report launch results"].isVisible() and not view.plan_label.isVisible()

    go_to(qtbot, panel, len(panel.result.run.events))
    run = panel.result.run
    for step in run.steps:
        bar = view.bars[step.name]
        assert bar.isVisible() and bar.brush().color().name() == DECISIONS[step.decision].colour
        pattern = Qt.BrushStyle.BDiagPattern if step.end is None else Qt.BrushStyle.SolidPattern  # blocked: hatched, never ends
        assert bar.brush().style() == pattern
        if step.end is not None:
            assert abs(bar.rect().right() - view._x(step.end)) < 0.5
    assert view.end_label.isVisible() and view.end_label.text().startswith("never finishes: 2 of 5 steps blocked")


def test_the_axis_is_in_days_and_the_deadline_is_a_line_at_its_day(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1920, 1080, False)
    view = panel.timeline
    ticks = [tick.text() for tick in view.ticks]
    assert ticks[0] == "0d" and all(tick.endswith("d") for tick in ticks)
    days = [int(tick[:-1]) for tick in ticks]
    assert days == list(range(0, days[-1] + 1, days[1])) and days[-1] >= 14  # evenly spaced, past the deadline
    deadline = panel.result.simulation.program.deadline_hours
    assert deadline == 14 * 24
    line = view.deadline_line.line()
    assert line.x1() == line.x2() == pytest.approx(view._x(deadline)) and view.deadline_line.pen().style() == Qt.PenStyle.DashLine
    assert view.deadline_label.text() == "deadline 14d" and inside(view, view.deadline_label)
    label = on_screen(view, view.deadline_label)
    assert label.left() - 1 <= view.mapFromScene(view._x(deadline), 0).x() <= label.right() + 1  # the words stand over their line
    for tick in view.ticks:  # a tick the deadline's words would cover is hidden
        assert not tick.isVisible() or not tick.sceneBoundingRect().intersects(view.deadline_label.sceneBoundingRect())


def test_late_is_said_when_the_run_ends_after_the_deadline_and_not_when_on_time(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    view = panel.timeline
    assume_fixed(qtbot, panel, "Territory Rules")
    run = panel.result.run
    assert run.finished and run.hours == 16 * 24
    go_to(qtbot, panel, len(run.events))
    assert view.end_label.isVisible() and view.end_label.text() == "finishes 16d · 2d late"
    assert view.end_label.brush().color() == QColor(TIMING["late"].colour) and inside(view, view.end_label)
    assert view.end_line.line().x1() == pytest.approx(view._x(run.hours))
    assert header(panel).startswith("Finishes in 16d, 2d late (was: never finishes) · confidence 93%")

    fixes = [g.title for g in panel.impact.gaps[:5] if g.title != "Territory Rules"]
    assume_fixed(qtbot, panel, *fixes)
    run = panel.result.run
    assert run.finished and run.hours <= run.program.deadline_hours
    go_to(qtbot, panel, len(run.events))
    assert view.end_label.text() == f"finishes {format_hours(run.hours)} · on time"
    assert view.end_label.brush().color() == QColor(TIMING["on_time"].colour)
    late = re.compile(r"\blate\b")  # the word, not "escalates"; only the old finish, faint, may say it
    assert [item.text() for item in texts(view) if late.search(item.text()) and item is not view.was_label] == []
    assert header(panel).startswith(f"Finishes in {format_hours(run.hours)}, on time (was ")  # the last fix ticked: its gain


def test_a_wait_and_a_block_say_why_on_the_bar_and_stay_said(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    view = panel.timeline
    wait, block = view.callouts["Define launch audiences"], view.callouts["Route launch leads to sales"]
    assert (wait.words, block.words) == (WAIT, BLOCK)
    assert not wait.isVisible() and not block.isVisible()  # before Play: the plan, not the outcome
    go_to(qtbot, panel, at_event(panel, "escalate", "Define launch audiences"))
    assert wait.isVisible() and inside(view, wait) and wait.text.text() == WAIT and not block.isVisible()
    assert panel.clock_label.text().startswith(f"0h · Define launch audiences: {WAIT}")  # the clock line says it the same way
    go_to(qtbot, panel, at_event(panel, "block", "Route launch leads to sales"))
    assert block.isVisible() and inside(view, block) and block.text.text() == BLOCK
    assert wait.isVisible(), "the wait stays said, so the end explains itself"
    assert f"Route launch leads to sales: {BLOCK}" in panel.clock_label.text()
    assert view.callouts["Report launch results"].words == "blocked — waits for 'Route launch leads to sales', which is blocked"


@pytest.mark.parametrize(("width", "height", "workshop"), SIZES)
def test_a_legend_names_every_colour_the_plan_and_the_deadline(qtbot, window, sample_vault, width, height, workshop):
    panel = sized(qtbot, window, sample_vault, width, height, workshop)
    view = panel.timeline
    legend = {key: item.text() for key, item in view.legend.items()}
    assert legend == {"plan": "plan", **{key: term.one for key, term in DECISIONS.items()}, "deadline": "deadline", "now": "now"}
    assert all(inside(view, item) for item in view.legend.values())
    assert view.transform().m11() >= 0.45  # fitted to a short pane, never shrunk past reading


def test_the_summary_says_the_lanes_as_a_person_does(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    assert panel.summary.text().startswith("Harbor Teams 2.0 Launch: 5 steps across B2B, B2C and shared work · deadline 14d\n")


def test_the_command_line_says_late_and_on_time_too(sample_vault, tmp_path):
    program = "Harbor Teams 2.0 Launch"
    late = cli("simulate", sample_vault, "--program", program, "--assume-fixed", "Territory Rules", "--runs", "0", env_dir=tmp_path / "data")
    assert late.returncode == 0, late.stderr
    assert "What if Territory Rules assumed fixed: finishes in 16d, 2d late, confidence 93%." in late.stdout
    fixed = cli("simulate", sample_vault, "--program", program, "--runs", "0", env_dir=tmp_path / "data")
    assert "With these fixed: finishes in 11d, on time, confidence 97%." in fixed.stdout


def test_a_long_step_name_is_elided_to_its_column_with_the_whole_name_in_its_tooltip(qtbot, window, sample_vault):
    launch = sample_vault / "programs" / "Harbor Teams 2.0 Launch.md"
    long = "Route launch leads to sales by territory, region and account tier, as agreed with sales leadership"
    rules = "Territory Rules for every region, segment, account tier, partner channel and named account, as sales leadership agreed them"
    text = launch.read_text(encoding="utf-8").replace("Route launch leads to sales", long).replace("[[Territory Rules]]", f"[[{rules}]]")
    launch.write_text(text, encoding="utf-8")
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    view = panel.timeline
    label = view.names[long]
    assert label.text().endswith("…") and len(label.text()) < len(long) and label.toolTip() == long
    first_bar = min(on_screen(view, item).left() for item in view.outlines.values())
    assert all(on_screen(view, name).right() <= first_bar + 0.5 and inside(view, name) for name in view.names.values())
    go_to(qtbot, panel, len(panel.result.run.events))
    callout = view.callouts[long]  # longer than the view is wide: wrapped under its bar, whole, and whole in its tooltip
    assert callout.words.startswith(f"blocked — {rules} was never written") and callout.toolTip() == callout.words
    assert callout.text.text().replace("\n", " ") == callout.words and "\n" in callout.text.text() and inside(view, callout)


def test_the_now_line_glides_to_the_next_event_and_a_running_bar_grows_with_it(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    view = panel.timeline
    start = at_event(panel, "escalate", "Define launch audiences")
    go_to(qtbot, panel, start)
    was = view._playhead.x()
    panel.position = at_event(panel, "resume", "Define launch audiences") - 1
    panel.step()  # 3d later: Chris Park has answered
    assert view.glide.state() == view.glide.State.Running and view._playhead.x() == pytest.approx(was)
    qtbot.waitUntil(lambda: view.glide.state() == view.glide.State.Stopped, timeout=3000)
    now = view._x(panel.current_event().hours)
    assert view._playhead.x() == pytest.approx(now) and view.bars["Define launch audiences"].rect().right() == pytest.approx(now)


PLAN = "Plan: done in 11d if every step proceeds, on time for the 14d deadline"
STOPPED = "Stopped at 11d by Route launch leads to sales: blocked — Territory Rules was never written"


def test_the_header_says_the_plan_before_play_and_how_the_run_ends_at_the_end(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    go_to(qtbot, panel, 0)
    assert header(panel) == f"{PLAN} — press Play to see how it goes."  # the plan, not the ending
    assert "never" not in panel.summary.text().lower().split("with the first")[0]
    go_to(qtbot, panel, at_event(panel, "escalate", "Define launch audiences"))
    assert header(panel) == f"{PLAN}."  # playing: still the plan; the end is not given away
    go_to(qtbot, panel, len(panel.result.run.events))
    assert header(panel) == f"Never finishes: 2 of 5 steps blocked · confidence 56% · {STOPPED}."
    assert panel.summary.text().startswith("Harbor Teams 2.0 Launch: 5 steps across B2B, B2C and shared work · deadline 14d\n")
    panel.reset()
    assert header(panel) == f"{PLAN} — press Play to see how it goes."


def test_ticking_a_fix_shows_the_new_end_beside_the_old_one(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    view = panel.timeline
    assume_fixed(qtbot, panel, "Territory Rules")  # ticked before Play: the answer is shown at once, at the run's end
    assert panel.position == len(panel.result.run.events) and view.end_label.isVisible()
    assert header(panel) == "Finishes in 16d, 2d late (was: never finishes) · confidence 93% · 3 proceed on assumptions, 2 wait for a person."
    assert view.was_line is None  # it never finished before: no old finish to mark, but the words say so, faint
    assert view.was_label.isVisible() and view.was_label.text() == "was: never finishes" and inside(view, view.was_label)
    assert view.was_label.brush().color().alpha() < 255 and not on_screen(view, view.was_label).intersects(on_screen(view, view.end_label))

    assume_fixed(qtbot, panel, "Expansion-Ready Accounts")  # what Chris Park knows, written down: three days sooner
    go_to(qtbot, panel, len(panel.result.run.events))
    run = panel.result.run
    assert (run.hours, panel.was.hours) == (13 * 24, 16 * 24)
    assert header(panel).startswith("Finishes in 13d, on time (was 16d, 2d late) · confidence 93%")
    assert view.end_label.text() == "finishes 13d · on time"
    line, label = view.was_line, view.was_label
    assert line.isVisible() and line.line().x1() == pytest.approx(view._x(16 * 24)) and line.pen().style() == Qt.PenStyle.DotLine
    assert line.pen().color().alpha() < 255 and label.brush().color().alpha() < 255  # faint beside the new end
    assert label.isVisible() and label.text() == "was 16d, 2d late" and inside(view, label)
    assert not on_screen(view, label).intersects(on_screen(view, view.end_label))

    go_to(qtbot, panel, 0)  # the plan again: the old finish goes with the new end
    assert not line.isVisible() and not label.isVisible() and header(panel).startswith(PLAN)
    row = next(r for r, g in enumerate(panel.gaps.rows) if g.title == "Expansion-Ready Accounts")
    panel.gaps.setData(panel.gaps.index(row, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)  # and back
    qtbot.waitUntil(lambda: "Expansion-Ready Accounts" not in panel.result.simulation.describe(panel.result.scenario), timeout=10000)
    assert header(panel).startswith("Finishes in 16d, 2d late (was 13d, on time)")


def test_a_wait_under_its_bar_wraps_onto_lines_in_a_narrow_pane_rather_than_being_cut(qtbot, window, sample_vault):
    panel = sized(qtbot, window, sample_vault, 1280, 800, False)
    window.map_and_run.setSizes([800, 480])  # the map given most of the width: the run's pane is narrow, with room below
    assume_fixed(qtbot, panel, "Territory Rules")
    view = panel.timeline
    sam = "asks Sam Ortiz — Salesforce to Outreach Prospect Sync lives only in someone's head and Slack"
    for name, callout in view.callouts.items():
        if name == "Route launch leads to sales":
            assert callout.words == sam
        shown = callout.text.text()
        assert "…" not in shown and shown.replace("\n", " ") == callout.words and callout.words in callout.toolTip()
        assert inside(view, callout)
        others = [other for other, bar in view.bars.items() if other != name and bar.isVisible()
                  and on_screen(view, bar).intersects(on_screen(view, callout).adjusted(1, 1, -1, -1))]
        assert others == [], f"{name!r}'s callout covers another step's bar"
    wrapped = view.callouts["Route launch leads to sales"]
    assert wrapped.text.text().count("\n") >= 1, "too long for one line of this pane"
    assert view.transform().m11() >= 0.45


def test_with_no_room_below_a_callout_keeps_to_one_line_cut_with_the_whole_in_its_tooltip(qtbot, window, sample_vault):
    launch = sample_vault / "programs" / "Harbor Teams 2.0 Launch.md"
    rules = "Territory Rules for every region, segment, account tier, partner channel and named account, as sales leadership agreed them"
    launch.write_text(launch.read_text(encoding="utf-8").replace("[[Territory Rules]]", f"[[{rules}]]"), encoding="utf-8")
    panel = sized(qtbot, window, sample_vault, 1280, 800, True)  # a projector's large type
    window.map_and_run.setSizes([800, 480])  # in a narrow pane
    view = panel.timeline
    view.setFixedHeight(110)  # and a short one: even scaled down as far as it goes, two lines would not fit
    qtbot.waitUntil(lambda: view.height() == 110, timeout=3000)
    go_to(qtbot, panel, len(panel.result.run.events))
    callout = view.callouts["Route launch leads to sales"]
    assert callout.words.startswith(f"blocked — {rules}")
    assert "\n" not in callout.text.text() and callout.text.text().endswith("…")  # one line: no room below for more
    assert callout.toolTip() == callout.words and inside(view, callout)
