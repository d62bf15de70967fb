"""The README's ten-minute tour and its workshop walk-through, step by step on the sample brain, as a
person takes them: each claim the README makes is asserted here, numbers and words included. When the
product or the README changes, this is where they are held to each other."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.models.coverage import CELL_ROLE, HIGHLIGHT_ROLE, SCORE_ROLE
from store.bundle import Scope
from store.words import score_hex
from tests.desktop.conftest import open_and_wait
from tests.desktop.drawn import run_bars
from tests.desktop.test_map_and_run import LAUNCH

ROOT = Path(__file__).resolve().parents[2]
ORANGE = (0.35, 0.55)  # the scores the README calls orange: score_hex between its red (0%) and its amber (60%)
README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR = README[README.index("A ten-minute tour:"):README.index("The sample brain's calendar stands")]
WORKSHOP = README[README.index("A 60-minute workshop on the sample brain"):README.index("## The brain for AI agents")]


PLAN = "Plan: done in 11d if every step proceeds, on time for the 14d deadline"  # the run's header, before Play
ENDED = ("Never finishes: 2 of 5 steps blocked · confidence 56% · "
         "Stopped at 11d by Route launch leads to sales: blocked — Territory Rules was never written.")
TICKED = "Finishes in 16d, 2d late (was: never finishes)"
WRITTEN = "Finishes in 13d, on time (was 16d, 2d late)"


def header(panel) -> str:
    """The run header's second line: the plan, or how the run ends."""
    return panel.summary.text().splitlines()[1]


def said(*phrases: str, text: str = TOUR) -> None:
    """The README says each phrase (its line breaks aside)."""
    flat = re.sub(r"\s+", " ", text)
    for phrase in phrases:
        assert phrase in flat, f"the README no longer says {phrase!r}"


def press(qtbot, key) -> None:
    """A key pressed wherever the keyboard focus is, as a person presses it."""
    QTest.keyClick(QApplication.focusWidget(), key)


def lit(window) -> set[tuple[str, str]]:
    model = window.map_and_run.map.map_model
    return {model.index(r, c).data(CELL_ROLE) for r in range(model.rowCount()) for c in range(model.columnCount())
            if model.index(r, c).data(HIGHLIGHT_ROLE)}


def cell(window, area: str, motion: str = "all"):
    model = window.map_and_run.map.map_model
    return next(model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
                if model.index(r, c).data(CELL_ROLE) == (area, motion))


def click_text(qtbot, view, text: str) -> None:
    """A real click in the middle of the first place `view` (a note's page) shows `text`."""
    found = view.document().find(text)
    assert not found.isNull(), f"the page does not show {text!r}"
    middle = QTextCursor(view.document())
    middle.setPosition((found.selectionStart() + found.selectionEnd()) // 2)
    view.ensureCursorVisible()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(middle).center())


def step_to(qtbot, panel, kind: str, step: str) -> None:
    """→ until the run's current event is `kind` of `step` (from the timeline: in a table, → moves between cells)."""
    panel.timeline.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.timeline, timeout=3000)
    while not (panel.current_event() and (panel.current_event().kind, panel.current_event().step) == (kind, step)):
        assert panel.position < len(panel.result.run.events), f"the run has no {kind} of {step}"
        before = panel.position
        press(qtbot, Qt.Key.Key_Right)
        assert panel.position == before + 1, "→ steps the run"


def test_the_ten_minute_tour_is_true(qtbot, window, sample_vault):
    # 1. Start Here opens first; its owner is a typed link: a click on her name opens Dana's page, which lists what she owns.
    said("Read **Start Here** (it opens first)", 'owner: "[[Dana Ruiz]]"', "click her name, and her page lists what she owns")
    open_and_wait(qtbot, window, sample_vault, notes=87)
    qtbot.waitUntil(lambda: window.note_view.path == "Start Here.md", timeout=10000)
    click_text(qtbot, window.note_view, "Dana Ruiz")
    qtbot.waitUntil(lambda: window.note_view.path == "people/Dana Ruiz.md", timeout=10000)
    assert "Owns" in window.note_view.page_source.split("<h2>Links in</h2>", 1)[1]

    # 2. Ctrl+K, "lead rout": every word matches the start of a word.
    said("Press **Ctrl+K** and type `lead rout`")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search_box, "lead rout")
    qtbot.waitUntil(lambda: window.search_results.query == "lead rout" and window.search_results.rowCount() > 0)
    titles = [window.search_results.index(r, 0).data() for r in range(window.search_results.rowCount())]
    assert titles[0].startswith("Lead Routing")
    qtbot.keyClick(window, Qt.Key.Key_Escape)

    # 3. The map and the run: 76%, Teams and Policies orange, the plan outlined against the deadline.
    said("Press **Ctrl+Shift+M**", "the brain knows 76% of what an orchestrator needs", "Teams (40%) and Policies (47%) are orange",
         "five steps, done in 11 days against a 14-day deadline", f'its header says "{PLAN} — press Play to see how it goes."')
    window.resize(1280, 800)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    page, panel = window.map_and_run.map, window.map_and_run.run
    qtbot.waitUntil(lambda: panel.result is not None and panel.result.program == LAUNCH and panel.impact is not None, timeout=20000)
    assert page.headline.text() == "The brain knows 76% of what an orchestrator needs"
    for area, score in (("team", "40%"), ("policy", "47%")):
        index = cell(window, area)
        assert index.data().startswith(score) and index.data(Qt.ItemDataRole.BackgroundRole).name() == score_hex(index.data(SCORE_ROLE))
        assert ORANGE[0] <= index.data(SCORE_ROLE) < ORANGE[1]
    assert {bar["state"] for bar in run_bars(window)} == {"plan"} and len(run_bars(window)) == 5  # outlined, not the outcome
    assert panel.timeline.plan_label.text() == "plan: done in 11d · on time" and "deadline 14d" in panel.summary.text()
    assert header(panel) == f"{PLAN} — press Play to see how it goes."

    # Space plays, from the map; it waits three days for Chris Park, then Territory Rules blocks it.
    said("Press **Space** to play it", "waits three days for Chris Park", "Expansion-Ready Accounts lives only in his head and in Slack",
         "the Audiences cells light up", "at day 11 *Route launch leads to sales* is blocked", "Territory Rules was never written",
         "the Policies cells light up", "the launch never finishes", f'The header says how it ended: "{ENDED}"')
    page.map_view.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.position > 0, timeout=5000)
    press(qtbot, Qt.Key.Key_Space)  # pause, and go on a step at a time
    assert not panel.play_button.isChecked()
    step_to(qtbot, panel, "escalate", "Define launch audiences")
    define = next(s for s in panel.result.run.steps if s.name == "Define launch audiences")
    assert define.wait == 72  # three days, in hours
    assert "asks Chris Park — Expansion-Ready Accounts lives only in someone's head and Slack" in panel.clock_label.text()
    assert ("audience", "all") in lit(window)
    step_to(qtbot, panel, "block", "Route launch leads to sales")
    assert panel.current_event().hours == 11 * 24
    assert "blocked — Territory Rules was never written" in panel.clock_label.text()
    assert ("policy", "all") in lit(window)
    assert panel.position == len(panel.result.run.events) and header(panel) == ENDED

    # 4. Tick Write Territory Rules: 16 days, 2 days late. Double-click it: capture, as a policy.
    said("tick *Write Territory Rules*", "the run is played again to its end and now finishes in 16 days, 2 days late",
         f'the header reads "{TICKED}"', "its type (a policy: Lead Routing is subject to it)",
         "it leaves *Fix first*")
    [row] = [r for r, gap in enumerate(panel.gaps.rows) if gap.action == "Write Territory Rules"]
    panel.gaps.setData(panel.gaps.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: panel.result.scenario.assume_fixed == {"unwritten:territory rules"} and panel.impact is not None, timeout=10000)
    assert panel.position == len(panel.result.run.events) and header(panel).startswith(TICKED + " · ")
    [row] = [r for r, gap in enumerate(panel.gaps.rows) if gap.action == "Write Territory Rules"]  # listed again after the re-run
    panel.gap_list.doubleClicked.emit(panel.gaps.index(row, 1))  # what a double-click on it does
    qtbot.waitUntil(lambda: window.writing.capture_dialog is not None and window.writing.capture_dialog.isVisible(), timeout=5000)
    dialog = window.writing.capture_dialog
    assert (dialog.title.text(), dialog.type.currentData()) == ("Territory Rules", "policy")
    assert "Needed by Route launch leads to sales" in dialog.text.toPlainText()
    dialog.places["head"].setChecked(True)
    dialog.owner.setText("Marcus Lee")
    dialog.capture_button.click()
    qtbot.waitUntil(lambda: (sample_vault / "policies/Territory Rules.md").exists(), timeout=10000)
    qtbot.waitUntil(lambda: "Write Territory Rules" not in [g.action for g in panel.gaps.rows] and not panel.gaps.fixed, timeout=15000)
    route = next(s for s in panel.result.run.steps if s.name == "Route launch leads to sales")
    assert "Territory Rules lives only in someone's head; Marcus Lee is asked" in route.reasons  # the note you wrote
    assert "Finishes in 16d, 2d late" in panel.summary.text()

    # The workshop: Expansion-Ready Accounts written down from Chris Park's head, and the launch is on time.
    said("Expansion-Ready Accounts written down from Chris Park's head (the run now finishes in 13 days, on time, "
         f'and the run\'s header, at the end, reads "{WRITTEN}")', text=WORKSHOP)
    audit = window.writing.audit()
    expansion = next((a, p) for a in audit.areas for p in a.prompts if p.kind == "lives" and p.title == "Expansion-Ready Accounts")
    audit.position = audit.flat.index(expansion)
    audit.show_prompt()
    for kind, box in audit.lives_places[1].items():
        box.setChecked(kind == "note")
    audit.answer()
    qtbot.waitUntil(lambda: "lives_in: note" in (sample_vault / "audiences/Expansion-Ready Accounts.md").read_text(encoding="utf-8")
                    or "lives_in: [note]" in (sample_vault / "audiences/Expansion-Ready Accounts.md").read_text(encoding="utf-8"), timeout=10000)
    qtbot.waitUntil(lambda: "Finishes in 13d, on time" in panel.summary.text(), timeout=15000)
    assert header(panel).startswith(WRITTEN + " · ")  # still at the end: the new end beside the old
    audit.close()

    # 5. File ▸ Export Bundle… hands the launch's context on as one zip file.
    said("File ▸ Export Bundle… hands the launch's context to another team as one zip file")
    assert window.pages.currentWidget() is window.map_and_run
    export = window.export_bundle()
    qtbot.waitUntil(lambda: bool(export.choices), timeout=10000)
    assert (export.kind_box.currentData(), export.value_box.currentData()) == ("program", "Harbor Teams 2.0 Launch")  # the program on screen
    qtbot.waitUntil(lambda: len(export.paths) > 30, timeout=10000)
    assert export.count_label.text().endswith(Scope("program", "Harbor Teams 2.0 Launch", 1).words())
    out = sample_vault.parent / "launch.zip"
    export.export_to(out)
    qtbot.waitUntil(lambda: export.result is not None, timeout=20000)
    assert out.is_file()
