"""The run beside the map, as a room uses it: Space plays from anywhere on the page, what to fix
first stays readable, a gap written for real leaves the list, and writing a gap starts from its type.
The real window on the sample brain (offscreen)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.desktop.test_map_and_run import open_graph, open_map

TERRITORY = "unwritten:territory rules"


def press(qtbot, widget, key, text: str = "") -> None:
    """A key pressed where the person is: `widget` has the keyboard focus."""
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=3000)
    QTest.keyClick(widget, key)


def test_space_plays_the_run_from_the_map_the_program_box_and_the_fix_first_list(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page, panel = window.map_and_run, window.map_and_run.run
    for widget in (page.map.map_view, panel.program_box, panel.gap_list):
        assert not panel.play_button.isChecked() and panel.position == 0
        press(qtbot, widget, Qt.Key.Key_Space)
        assert panel.play_button.isChecked(), f"Space on {widget.objectName()} did not play"
        qtbot.waitUntil(lambda: panel.position > 0, timeout=5000)  # the run moves on by itself
        assert not panel.program_box.view().isVisible()  # the drop-down did not open
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # and pauses
        assert not panel.play_button.isChecked()
        panel.reset()


def test_a_space_typed_in_a_text_box_is_typed_and_does_not_play(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    press(qtbot, window.search_box, Qt.Key.Key_A)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_B):
        QTest.keyClick(window.search_box, key)
    assert window.search_box.text() == "a b" and not panel.play_button.isChecked()
    window.search_box.clear()
    dialog = window.writing.capture_note()  # the capture dialog, open beside the map in a workshop
    press(qtbot, dialog.title, Qt.Key.Key_X)
    QTest.keyClick(dialog.title, Qt.Key.Key_Space)
    QTest.keyClick(dialog.text, Qt.Key.Key_Space)
    assert dialog.title.text() == "x " and dialog.text.toPlainText() == " " and not panel.play_button.isChecked()


def test_a_number_box_on_the_page_keeps_its_keys(qtbot, window, sample_vault):
    graph = open_graph(qtbot, window, sample_vault)
    panel, box = window.map_and_run.run, graph.depth_box
    graph.scope_box.setCurrentText("Around the selected note")  # the depth box shows only then
    qtbot.waitUntil(box.isVisible, timeout=3000)
    press(qtbot, box, Qt.Key.Key_Left)
    at = box.lineEdit().cursorPosition()
    QTest.keyClick(box, Qt.Key.Key_Right)
    QTest.keyClick(box, Qt.Key.Key_Space)
    assert (box.lineEdit().cursorPosition(), panel.position, panel.play_button.isChecked()) == (at + 1, 0, False)


def test_the_right_arrow_steps_except_where_a_table_moves_with_it(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page, panel = window.map_and_run, window.map_and_run.run
    for widget in (panel.program_box, panel.play_button, panel.timeline):
        before = panel.position
        press(qtbot, widget, Qt.Key.Key_Right)
        assert panel.position == before + 1, f"→ on {widget.objectName() or type(widget).__name__} did not step"
    table = page.map.map_view
    table.setCurrentIndex(table.model().index(0, 0))
    before = panel.position
    press(qtbot, table, Qt.Key.Key_Right)
    assert table.currentIndex().column() == 1 and panel.position == before  # the map's cells keep their arrows
    press(qtbot, panel.tabs.tabBar(), Qt.Key.Key_Right)
    assert panel.tabs.currentIndex() == 1 and panel.position == before  # and the tabs theirs


def test_play_and_pause_show_icons_that_render_not_glyphs_the_fonts_lack(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    button = window.map_and_run.run.play_button
    assert not button.icon().isNull() and button.text() == "Play"
    playing = button.icon().cacheKey()
    button.click()
    assert button.text() == "Pause" and not button.icon().isNull() and button.icon().cacheKey() != playing
    assert not any(ch in button.text() + button.toolTip() for ch in "⏸▶")


def figure_rects(panel) -> dict[str, QRect]:
    """Where each figure column of the first rows sits, in the window."""
    view, window = panel.gap_list, panel.window()
    rects = {}
    for column in (2, 3, 4):
        name = panel.gaps.headerData(column, Qt.Orientation.Horizontal)
        for row in range(min(3, panel.gaps.rowCount())):
            rect = view.visualRect(panel.gaps.index(row, column))
            rects[f"{name} row {row}"] = QRect(view.viewport().mapTo(window, rect.topLeft()), rect.size())
            assert view.viewport().rect().contains(rect), f"{name} (row {row}) lies outside the list: {rect} in {view.viewport().rect()}"
    return rects


LONG = "Regional Territory and Segment Assignment Rules for Enterprise Expansion Accounts"


def needs_too(vault, name: str) -> None:
    """The launch's last step needs `name` too (a note nobody wrote)."""
    program = vault / "programs" / "Harbor Teams 2.0 Launch.md"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("needs:: [[Pipeline Created]]", f"needs:: [[{name}]], [[Pipeline Created]]"), encoding="utf-8")


def test_fix_first_figures_stay_in_view_at_1280x800_before_and_after_a_rerun(qtbot, window, sample_vault):
    needs_too(sample_vault, LONG)  # a fix whose name is longer than the list is wide
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    assert panel.gaps.rowCount() >= 3
    qtbot.waitUntil(lambda: panel.gap_list.isVisible(), timeout=3000)
    QApplication.processEvents()  # the list fits its columns just after its rows are replaced (a zero timer)
    for name, rect in figure_rects(panel).items():
        assert window.rect().contains(rect), f"{name} lies outside the window: {rect}"
    assert panel.gap_list.horizontalScrollBar().maximum() == 0  # nothing to scroll to
    panel.gaps.setData(panel.gaps.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)  # runs again
    qtbot.waitUntil(lambda: TERRITORY in panel.result.scenario.assume_fixed and panel.impact is not None, timeout=10000)
    ticked = panel.impact
    panel.request()  # and again, as on any change to a note: the list is refilled, nothing else on the page moves
    qtbot.waitUntil(lambda: panel.impact is not None and panel.impact is not ticked, timeout=10000)
    QApplication.processEvents()
    for name, rect in figure_rects(panel).items():
        assert window.rect().contains(rect), f"after the re-run, {name} lies outside the window: {rect}"
    panel.gap_list._fit()  # what each refill does, checked before any later resize could mend it
    for name, rect in figure_rects(panel).items():
        assert window.rect().contains(rect), f"once the list fits its columns, {name} lies outside the window: {rect}"
    assert panel.gap_list.horizontalScrollBar().maximum() == 0
    long_row = next(r for r, g in enumerate(panel.gaps.rows) if g.title == LONG)
    view = panel.gap_list
    assert view.visualRect(panel.gaps.index(long_row, 1)).right() < view.visualRect(panel.gaps.index(long_row, 2)).left()
    assert view.fontMetrics().horizontalAdvance(panel.gaps.index(long_row, 1).data()) > view.columnWidth(1)  # elided to fit


def test_a_ticked_gap_written_through_capture_leaves_the_list_and_is_unticked(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    assert panel.gaps.rows[0].key == TERRITORY
    panel.gaps.setData(panel.gaps.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: TERRITORY in panel.result.scenario.assume_fixed and panel.impact is not None, timeout=10000)
    assert panel.gaps.rows[0].key == TERRITORY and panel.result.run.finished  # assumed fixed, it finishes
    panel.gap_list.doubleClicked.emit(panel.gaps.index(0, 1))  # write it for real
    dialog = window.writing.capture_dialog
    assert dialog.isVisible() and dialog.title.text() == "Territory Rules"
    dialog.type.setCurrentIndex(dialog.type.findData("process"))
    dialog.owner.setText("Marcus Lee")
    dialog.capture_button.click()
    written = sample_vault / "processes" / "Territory Rules.md"
    qtbot.waitUntil(written.exists, timeout=10000)
    qtbot.waitUntil(lambda: not panel.result.scenario.assume_fixed and panel.impact is not None
                    and TERRITORY not in [g.key for g in panel.gaps.rows], timeout=15000)
    assert TERRITORY not in panel.gaps.fixed
    assert all("Territory Rules" != g.title or g.path == "processes/Territory Rules.md" for g in panel.gaps.rows)
    assert not panel.what_if.text().startswith("What if")  # the run shown is the brain as it is now
    route = panel.result.run.step("Route launch leads to sales")
    assert not any("Territory Rules is linked but not written" in reason for reason in route.reasons)


def test_double_clicking_a_gap_nobody_wrote_opens_capture_with_its_expected_type(qtbot, window, sample_vault):
    # The handbook names the team that owns it; nobody wrote the team's note, and the launch needs it.
    handbook = sample_vault / "sources" / "Launch Handbook.md"
    handbook.write_text("---\ntype: source\nowner: \"[[Launch Desk]]\"\n---\nHow launches go.\n", encoding="utf-8")
    needs_too(sample_vault, "Launch Desk")
    open_and_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    report = window.map_and_run.map.report
    expected = next(u.type for u in report.known_unknowns if u.title == "Launch Desk")
    assert expected in ("person", "team")  # the owner slot says what it would be
    row = next(r for r, g in enumerate(panel.gaps.rows) if g.key == "unwritten:launch desk")
    panel.gap_list.doubleClicked.emit(panel.gaps.index(row, 1))
    dialog = window.writing.capture_dialog
    assert dialog.title.text() == "Launch Desk" and dialog.type.currentData() == expected


def open_and_map(qtbot, window, vault) -> None:
    """`open_map` for a sample brain with one note more."""
    from tests.desktop.conftest import open_and_wait
    from tests.desktop.test_map_and_run import LAUNCH

    open_and_wait(qtbot, window, vault, notes=88)
    window.map_page_action.trigger()
    qtbot.waitUntil(lambda: window.map_and_run.run.result is not None and window.map_and_run.run.result.program == LAUNCH, timeout=10000)
    qtbot.waitUntil(lambda: window.map_and_run.run.impact is not None, timeout=10000)



def test_in_a_workshop_capture_leaves_the_map_and_the_run_in_view(sample_vault, tmp_path):
    screen = tmp_path / "projector.json"  # the offscreen platform's screen, the size of a projector's
    screen.write_text(json.dumps({"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1920, "height": 1080,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("workshop_capture_app.py")), str(sample_vault), str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["title"] == "Territory Rules" and shown["screen"] == [0, 0, 1920, 1080]  # full screen, capture open
    dialog = QRect(*shown["dialog"])
    for part in ("map", "timeline", "controls"):
        assert not dialog.intersects(QRect(*shown[part])), f"capture covers {part}: {dialog} over {QRect(*shown[part])}"
    assert QRect(*shown["screen"]).contains(dialog) and dialog.right() >= QRect(*shown["page"]).right() - 20  # at the right edge


def test_a_ticked_gap_saved_from_an_editor_leaves_the_list_too(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    panel.gaps.setData(panel.gaps.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: TERRITORY in panel.result.scenario.assume_fixed and panel.impact is not None, timeout=10000)
    note = sample_vault / "processes" / "Territory Rules.md"  # written in another editor, saved into the vault
    note.write_text("---\ntype: process\nowner: \"[[Marcus Lee]]\"\nmotion: b2b\nlives_in: note\nreviewed: 2026-11-30\n---\n"
                    "# Territory Rules\nAccounts by region and size: EMEA to Marcus Lee's team, the rest by round robin.\n", encoding="utf-8")
    qtbot.waitUntil(lambda: not panel.result.scenario.assume_fixed and panel.impact is not None
                    and TERRITORY not in [g.key for g in panel.gaps.rows], timeout=15000)
    assert not panel.gaps.fixed and "Territory Rules" not in [g.title for g in panel.gaps.rows]  # a complete note: no gap at all
    assert panel.result.baseline is None and panel.result.run.finished  # what the note really does: the launch finishes


def test_a_known_unknown_on_the_map_is_written_with_the_type_its_links_say(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    row = next(r for r, n in enumerate(page.unknowns.rows) if n.title == "Customer Success")
    assert page.unknowns.rows[row].type == "team"  # an owner slot that takes a team or a person points at it
    view = page.lists.widget([page.lists.tabText(i) for i in range(page.lists.count())].index("Known unknowns"))
    with qtbot.waitSignal(page.writeRequested) as sent:
        view.doubleClicked.emit(page.unknowns.index(row, 0))
    assert sent.args[0] == "Customer Success" and sent.args[2] == "team"
    assert window.writing.capture_dialog.type.currentData() == "team"


def test_the_header_changes_from_plan_to_end_and_the_timeline_keeps_its_place(qtbot, window, sample_vault):
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    qtbot.waitUntil(lambda: panel.timeline.isVisible(), timeout=3000)
    QApplication.processEvents()
    placed = panel.timeline.geometry()
    said = {panel.summary.text().splitlines()[1]}
    while panel.step_button.isEnabled():  # the header says the plan, then the end: the timeline under it never moves
        panel.step_button.click()
        QApplication.processEvents()
        said.add(panel.summary.text().splitlines()[1])
        assert panel.timeline.geometry() == placed, f"the timeline moved at event {panel.position}"
    assert said == {"Plan: done in 11d if every step proceeds, on time for the 14d deadline — press Play to see how it goes.",
                    "Plan: done in 11d if every step proceeds, on time for the 14d deadline.",
                    "Never finishes: 2 of 5 steps blocked · confidence 56% · "
                    "Stopped at 11d by Route launch leads to sales: blocked — Territory Rules was never written."}


def test_a_note_written_while_the_end_shows_runs_again_to_its_new_end_beside_the_old(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    while panel.step_button.isEnabled():
        panel.step_button.click()
    note = sample_vault / "processes" / "Territory Rules.md"  # written in another editor while the room looks at the end
    note.write_text("---\ntype: process\nowner: \"[[Marcus Lee]]\"\nmotion: b2b\nlives_in: note\nreviewed: 2026-11-30\n---\n"
                    "# Territory Rules\nAccounts by region and size: EMEA to Marcus Lee's team, the rest by round robin.\n", encoding="utf-8")
    qtbot.waitUntil(lambda: panel.result.run.finished and panel.impact is not None, timeout=15000)
    assert panel.position == len(panel.result.run.events)  # the new end, not the plan again
    assert panel.summary.text().splitlines()[1].startswith("Finishes in 16d, 2d late (was: never finishes) · confidence 93%")
    assert window.map_and_run.map.map_model.highlighted_cells() == set()  # the map, lit at the old end, took the new report
