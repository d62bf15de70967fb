"""The coverage map as a room sees it, on the sample brain in the real window (offscreen): every area in
view at 1280x800 and in workshop mode with the banner up, its legend, the cells the run reads lit so the
back row sees them, Where it lives readable, why a note is trapped, the problems panel behind its count,
the first-run banner, search snippets as text, and Ctrl+K Enter from the map."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QTextLayout, QTextOption

from desktop.app import SAMPLE_INTRO
from desktop.models.coverage import CELL_ROLE, HIGHLIGHT_ROLE
from desktop.models.search import SNIPPET_ROLE
from store.brain import Brain
from store.words import score_hex
from tests.conftest import write
from tests.desktop.conftest import open_and_wait
from tests.desktop.test_map_and_run import open_map
from desktop.views.workshop import type_scale


def _near(a: QColor, b: QColor, within: int = 8) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= within


def _with_banner(window, vault) -> None:
    window.message_bar.show_message(SAMPLE_INTRO.format(path=vault), "info", whole=(str(vault),))


def _rows_in_view(window) -> list[str]:
    """The areas whose whole row is not inside the map's viewport, or whose viewport is not inside the window."""
    view, model = window.map_and_run.map.map_view, window.map_and_run.map.map_model
    viewport = view.viewport()
    at = QRect(viewport.mapTo(window, viewport.rect().topLeft()), viewport.size())
    hidden = [] if window.rect().contains(at) and view.isVisible() else ["the map itself"]
    return hidden + [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())
                     if not viewport.rect().contains(view.visualRect(model.index(r, 0)))]


def _cell(model, wanted) -> object:
    return next(model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
                if model.index(r, c).data(CELL_ROLE) == wanted)


def test_every_area_of_the_map_is_in_view_at_1280x800_with_the_banner(qtbot, window, sample_vault):
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    _with_banner(window, sample_vault)
    qtbot.waitUntil(lambda: window.message_bar.isVisible() and window.size() == QSize(1280, 800))
    assert window.map_and_run.map.map_model.rowCount() == 14  # Goals … Agents: the Teams row was below the fold
    qtbot.waitUntil(lambda: _rows_in_view(window) == [], timeout=5000)
    page = window.map_and_run.map
    legend = page.legend.geometry()
    assert legend.top() >= page.map_view.geometry().bottom() and page.splitter.widget(0).rect().contains(legend)  # never over the map


def test_every_area_of_the_map_is_in_view_in_workshop_mode_at_1920x1080(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    _with_banner(window, sample_vault)
    view = window.map_and_run.map.map_view
    desk_line = view.fontMetrics().lineSpacing()
    window.workshop.start()
    # Offscreen "full screen" is an 800x600 screen, which the window outgrows; a projector's screen is this:
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=5000)
    window.showNormal()

    def projector() -> bool:
        if window.size() != QSize(1920, 1080):
            window.setGeometry(0, 0, 1920, 1080)  # again once the layout has caught up with the width
        return window.size() == QSize(1920, 1080)

    qtbot.waitUntil(projector, timeout=5000)
    assert window.workshop.active
    room = type_scale(window.screen().geometry().height())  # the room's large type, for the screen's lines
    qtbot.waitUntil(lambda: view.fontMetrics().lineSpacing() > desk_line * (room - 0.1), timeout=5000)
    assert window.message_bar.isVisible()
    qtbot.waitUntil(lambda: _rows_in_view(window) == [], timeout=5000)
    assert all(view.rowHeight(r) >= view.fontMetrics().lineSpacing() for r in range(view.model().rowCount()))  # a line of large type each


def test_the_map_has_a_legend_drawn_in_the_scores_own_colours(qtbot, window, sample_vault):
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    legend = window.map_and_run.map.legend
    assert legend.isVisible() and "of what the blueprint asks" in legend.words.text() and "“—” none written" in legend.words.text()
    image = legend.scale.grab().toImage()
    width, middle = image.width(), image.height() // 2
    for score in (0.0, 0.3, 0.6, 0.8, 1.0):
        x = min(width - 1, round(score * (width - 1)))
        assert _near(image.pixelColor(x, middle), QColor(score_hex(score))), score


def _cell_pixels(view, index) -> list[QColor]:
    image = view.viewport().grab().toImage()
    rect = view.visualRect(index)
    return [image.pixelColor(x, y) for x in range(rect.left(), rect.right() + 1) for y in range(rect.top(), rect.bottom() + 1)]


def test_the_cells_the_run_reads_are_lit_strongly_and_a_note_nobody_wrote_lights_its_area(qtbot, window, sample_vault):
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    page.set_highlight(())
    view, model = page.map_view, page.map_model
    seam = next(n for n in page.report.notes if n.type == "seam")
    index = _cell(model, ("seam", "all"))
    unlit = _cell_pixels(view, index)
    page.set_highlight((seam.path,))
    assert index.data(HIGHLIGHT_ROLE)
    lit = _cell_pixels(view, index)
    changed = sum(1 for a, b in zip(unlit, lit) if not _near(a, b, 40))
    dark = sum(1 for c in lit if max(c.red(), c.green(), c.blue()) < 40)
    assert changed >= len(lit) // 5 and dark >= len(lit) // 10, (changed, dark, len(lit))  # a thick, near-black frame
    # "Legal" is linked to as a team and nobody wrote it: the run names such a note "unwritten:<name>", or as linked
    legal = next(u for u in page.report.known_unknowns if u.title == "Legal")
    for key in ("unwritten:legal", "Legal"):
        page.set_highlight((key,))
        assert model.highlighted_cells() == {("team", "all"), ("team", legal.motion)}, key


def test_where_it_lives_is_readable_at_1280x800_and_an_empty_area_is_a_gap(qtbot, window, sample_vault):
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    page.lists.setCurrentIndex([page.lists.tabText(i) for i in range(page.lists.count())].index("Where it lives"))
    chart = page.charts["Where it lives"]
    canvas = chart.canvas
    qtbot.waitUntil(lambda: canvas.isVisible() and canvas.height() > 0)
    labels = canvas.label_rects()
    assert len(labels) == len(page.report.where_it_lives) == 14  # every area, the empty one too
    overlapping = [(a, b) for a, b in itertools.combinations(labels, 2) if a.intersects(b)]
    assert overlapping == [] and all(canvas.rect().contains(rect) for rect in labels)
    at = QRect(canvas.mapTo(window, canvas.rect().topLeft()), canvas.size())
    assert window.rect().contains(at)
    for label in (chart.legend, chart.caption):  # the legend and caption whole, inside the pane
        assert chart.rect().contains(label.geometry()) and label.height() >= label.heightForWidth(label.width())
    # a bar counts notes: each area's parts add up to its notes
    assert [sum(parts) for parts in zip(*chart.bars.values())] == [
        sum(1 for n in page.report.notes if n.type == kind) for kind in page.report.where_it_lives]
    gap = [kind for kind, _label in canvas.areas].index("data_object")
    image = canvas.grab().toImage()
    room = canvas.rows()[gap][2]
    red = sum(1 for x in range(room.left(), room.right()) for y in range(room.top(), room.bottom())
              if _near(image.pixelColor(x, y), QColor(score_hex(0.0)), 30))
    assert red > 10  # "none: a gap", in the gap colour


def test_the_trapped_list_says_why_a_complete_note_is_there(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    trapped = window.map_and_run.map.trapped
    assert trapped.headerData(1, Qt.Orientation.Horizontal) == "Why it is here"
    row = next(r for r, n in enumerate(trapped.rows) if n.title == "mops-alerts Slack Channel")
    assert trapped.rows[row].state == "covered"
    assert trapped.index(row, 1).data() == "complete, but only in Slack: one person leaving loses it"
    head = next(r for r, n in enumerate(trapped.rows) if n.title == "Return on Ad Spend")
    assert trapped.index(head, 1).data().startswith("stale, but only in someone's head")


def test_the_problems_panel_waits_behind_its_count_in_the_status_bar(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    qtbot.waitUntil(lambda: window.count_label.text().startswith("87 notes · 1 problem"), timeout=10000)
    assert window.problems.rowCount() == 1 and not window.problem_dock.isVisible()
    qtbot.mouseClick(window.count_label, Qt.MouseButton.LeftButton)
    assert window.problem_dock.isVisible() and window.pages.currentIndex() == 0
    assert window.problem_list.model().rowCount() == 1


def _lines(label) -> list[tuple[int, int, float]]:
    """Where the label's text breaks into lines at its width (start, end, the line's own width), as Qt lays it out."""
    layout = QTextLayout(label.text(), label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(label.contentsRect().width())
        lines.append((line.textStart(), line.textStart() + line.textLength(), line.naturalTextWidth()))
    layout.endLayout()
    return lines


def test_the_first_run_banner_never_breaks_the_vaults_path(qtbot, window, tmp_path):
    from desktop.views.message_bar import unbroken

    window.resize(1280, 800)
    window.show()
    bar = window.message_bar
    for path, too_long in ((tmp_path / "My Documents" / "Substrate sample brain for the Harbor marketing team", False),
                           (tmp_path / ("a long folder name " * 14).strip() / "Sample Brain", True)):
        bar.show_message(SAMPLE_INTRO.format(path=path), "info", whole=(str(path),))
        qtbot.waitUntil(lambda: bar.label.width() > 600)
        shown = bar.label.text()
        assert ("…" in shown) == too_long
        if too_long:  # too wide for the bar: shortened in its middle, and said in full in the tooltip
            assert str(path) in bar.label.toolTip()
            whole = next(word for word in shown.split(" ") if "…" in word)
        else:
            whole = unbroken(str(path))
        start = shown.index(whole)
        lines = _lines(bar.label)
        assert len(lines) >= 2 and all(width <= bar.label.contentsRect().width() for _a, _b, width in lines)  # nothing runs off the bar
        assert any(a <= start and start + len(whole) <= b for a, b, _width in lines), (path, lines)
        assert bar.text() == SAMPLE_INTRO.format(path=path)  # what the bar says is the message as written


def test_search_snippets_read_as_text_not_markdown(qtbot, window, sample_vault):
    write(sample_vault, "notes/Zebra Rules.md", "---\ntype: policy\nowner: \"[[Chris Park]]\"\n---\n# Zebracorn rules\n\n"
          "## Why\n\nThe **zebracorn** policy #zebracorn follows [[Lead Routing|routing]] and [the guide](https://example.com).\n"
          "- needs:: [[Territory Rules]]\n")
    open_and_wait(qtbot, window, sample_vault, notes=88)
    window.search_box.setText("zebracorn")
    qtbot.waitUntil(lambda: window.search_results.rowCount() >= 1, timeout=10000)
    snippet = window.search_results.index(0, 0).data(SNIPPET_ROLE)
    assert "zebracorn" in snippet.lower() and "routing" in snippet
    for raw in ("[[", "]]", "|", "#", "**", "---", "type: policy", "](", "::"):
        assert raw not in snippet, (raw, snippet)


def test_ctrl_k_then_enter_on_the_map_opens_the_best_match_on_the_notes_page(qtbot, window, sample_vault, tmp_path):
    open_map(qtbot, window, sample_vault)
    with Brain(sample_vault, tmp_path / "engine.sqlite") as brain:
        brain.refresh()
        best = brain.read.search("lead routing", limit=1)[0].path
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.map_and_run.map.map_view.setFocus()
    qtbot.keyClick(window.map_and_run.map.map_view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClicks(window.search_box, "lead routing")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)  # at once: the answer may still be on its way
    qtbot.waitUntil(lambda: window.note_view.path == best, timeout=10000)
    assert window.pages.currentIndex() == 0 and window.current_path() == best
