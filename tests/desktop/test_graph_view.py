"""The brain graph explains itself to someone who never read the README: a legend for its colours,
shapes, lines and rings; names for its most-linked notes; filter boxes that show their whole text;
no button that does not say what it does; and opening it leaves the run beside it alone.
The real window, offscreen, on the sample brain."""

from __future__ import annotations

import pyqtgraph
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF
from PySide6.QtWidgets import QAbstractButton, QStyle, QStyleOptionComboBox

from desktop.views.graph_view import name_rect
from store.graph import GHOST
from store.words import STATES
from tests.desktop.test_map_and_run import open_graph, open_map
from desktop.views.workshop import type_scale

SIZES = [(1280, 800), (1920, 1080)]


def graph_shown(qtbot, window, vault):
    """The map, then the Brain graph tab, once the graph is drawn and what is in view has been named."""
    view = open_graph(qtbot, window, vault)
    qtbot.waitUntil(lambda: not view._detail_timer.isActive(), timeout=5000)
    return view


def in_window(window, widget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def drawn_names(view) -> list:
    """The names on the plot as it draws them: every text item it shows."""
    return [item for item in view.plot.getViewBox().childGroup.childItems() if isinstance(item, pyqtgraph.TextItem) and item.isVisible()]


def names(view) -> list[str]:
    return [label.textItem.toPlainText() for label in drawn_names(view)]


def named(view) -> set[str]:
    """The notes named, by their whole titles (a long name is cut short on the picture; its tooltip is whole)."""
    return {label.toolTip() for label in drawn_names(view)}


def name_rects(view) -> list[QRectF]:
    """Each name's box in the plot's pixels, as drawn."""
    return [view.plot.viewportTransform().mapRect(label.sceneBoundingRect()) for label in drawn_names(view)]


@pytest.mark.parametrize("size", SIZES)
def test_the_legend_has_a_key_for_every_state_colour_and_every_shape_drawn(qtbot, window, sample_vault, size):
    window.resize(*size)
    view = graph_shown(qtbot, window, sample_vault)
    keys = {(key.group, key.name): key for key in view.legend.keys}
    # colours: one key per coverage state, in the colour store.words gives it; a known unknown is hollow grey
    for state in STATES.values():
        key = keys[("Colour = coverage", state.key)]
        assert state.one in key.text and key.symbol == "o"
        if state.key == GHOST:
            assert key.brush is None and key.pen.color().name() == state.colour and "not written" in key.text
        else:
            assert key.brush.color().name() == state.colour
    # ...and the dots are painted in those same colours
    spots = view.nodes.points()
    for spot in spots:
        state = view.graph.states[spot.data()]
        assert (spot.brush().color().name(), spot.pen().color().name()) == (
            (keys[("Colour = coverage", state)].brush or spot.brush()).color().name(), keys[("Colour = coverage", state)].pen.color().name())
    # shapes: a key for each shape a written note is drawn with, naming every type drawn with it
    shapes = {key.symbol: key.text for (group, _name), key in keys.items() if group == "Shape = type"}
    drawn = {}
    for spot in spots:
        if view.graph.states[spot.data()] != GHOST:
            drawn.setdefault(spot.symbol(), set()).add(view.graph.types[spot.data()])
    assert set(shapes) == set(drawn) and len(shapes) >= 8
    for symbol, types in drawn.items():
        assert all(kind in shapes[symbol].split(", ") for kind in types), symbol
    # lines and rings: drawn with the pens the graph draws with
    assert keys[("Links", "typed")].pen == view.edges.opts["pen"] and keys[("Links", "mention")].pen == view.mentions.opts["pen"]
    assert keys[("Links", "typed")].pen.color().alpha() > keys[("Links", "mention")].pen.color().alpha()  # dark vs light
    assert keys[("Rings", "run")].pen == view.rings.opts["pen"]
    assert ("Rings", "selected") in keys
    # every key readable where it is: whole in the window, under the picture (not over it), with words to hover
    plot = in_window(window, view.plot)
    for key_view in view.legend.views:
        at = in_window(window, key_view)
        assert key_view.isVisible() and window.rect().contains(at) and at.top() >= plot.bottom(), key_view.key.text
        assert key_view.width() >= key_view.sizeHint().width() and key_view.toolTip()


@pytest.mark.parametrize("size", SIZES)
def test_opening_the_graph_leaves_the_run_pane_its_width(qtbot, window, sample_vault, size):
    window.resize(*size)
    open_map(qtbot, window, sample_vault)
    qtbot.waitUntil(lambda: window.map_and_run.run.width() > 0)
    splitter, run = window.map_and_run, window.map_and_run.run
    before, sizes = run.width(), splitter.sizes()
    splitter.left.setCurrentIndex(1)
    qtbot.waitUntil(lambda: splitter.graph is not None and splitter.graph.graph is not None, timeout=10000)
    qtbot.waitUntil(lambda: not splitter.graph._detail_timer.isActive(), timeout=5000)
    assert splitter.graph.isVisible()
    assert (run.width(), splitter.sizes()) == (before, sizes)
    assert window.width() == size[0]  # nor the window (workshop mode's full screen overflowed it)


def test_every_filter_box_shows_its_whole_text_at_laptop_size(qtbot, window, sample_vault):
    window.resize(1280, 800)
    view = graph_shown(qtbot, window, sample_vault)
    boxes = (view.scope_box, view.type_box, view.state_box, view.motion_box, view.relation_box)
    for box in boxes:
        assert box.count() >= 2 and box.isVisible() and window.rect().contains(in_window(window, box)), box.objectName()
        longest = max((box.itemText(i) for i in range(box.count())), key=box.fontMetrics().horizontalAdvance)
        option = QStyleOptionComboBox()
        box.initStyleOption(option)
        field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box)
        # the room left of the arrow holds the longest choice: whatever is chosen reads whole
        assert field.width() >= box.fontMetrics().horizontalAdvance(longest), (box.objectName(), longest, field.width())
    assert all(box.toolTip() for box in (*boxes, view.depth_box))  # each says what it filters
    # how far around the selected note: asked only when showing around it, and its words read whole
    assert not view.depth_box.isVisible()
    few = next(i for i in reversed(view._by_degree) if view.degree[i] >= 2 and view.graph.states[i] != GHOST)  # a note with few links
    view.select(view.graph.keys[few])
    (w0, w1), _ = view.plot.getViewBox().viewRange()
    view.scope_box.setCurrentIndex(1)
    assert view.depth_box.isVisible()
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    around = view.positions[view.shown]
    assert x1 - x0 < 0.9 * (w1 - w0)  # zoomed in to the notes around it, every one in view
    assert ((around[:, 0] >= x0) & (around[:, 0] <= x1) & (around[:, 1] >= y0) & (around[:, 1] <= y1)).all()
    for depth, words in ((1, "within 1 link"), (2, "within 2 links"), (3, "within 3 links")):
        view.depth_box.setValue(depth)
        qtbot.waitUntil(lambda: view.depth_box.lineEdit().width() >= view.depth_box.fontMetrics().horizontalAdvance(words))
        assert view.depth_box.text() == words
    assert window.rect().contains(in_window(window, view.depth_box))


def test_every_button_says_what_it_does_and_zoom_to_fit_shows_every_note(qtbot, window, sample_vault):
    window.resize(1280, 800)
    view = graph_shown(qtbot, window, sample_vault)
    buttons = view.findChildren(QAbstractButton)
    assert buttons and all(button.text() and button.toolTip() for button in buttons)
    box = view.plot.getViewBox()
    box.scaleBy((0.2, 0.2))
    item = view.plot.getPlotItem()
    item.mouseHovering = True  # pyqtgraph shows its unlabelled "A" button on hover once zoomed
    item.updateButtons()
    assert not item.autoBtn.isVisible()
    (x0, x1), (y0, y1) = box.viewRange()
    xy = view.positions[view.shown]
    assert not ((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)).all()
    view.fit_button.click()
    (x0, x1), (y0, y1) = box.viewRange()
    assert ((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)).all()


def test_the_most_linked_notes_are_named_at_the_fit_zoom_and_more_when_zoomed_in(qtbot, window, sample_vault):
    window.resize(1280, 800)
    view = graph_shown(qtbot, window, sample_vault)
    titles = view.graph.titles
    qtbot.waitUntil(lambda: len(drawn_names(view)) >= 8, timeout=5000)
    shown = names(view)
    assert len(view.graph.keys) > 100 and len(shown) >= 8  # the whole brain in view, and names for some of it
    assert {"Harbor Teams 2.0 Launch", "Snowflake"} <= set(shown)  # the two most linked (31 links each)
    most = max(view.degree)
    assert all(view.degree[titles.index(name)] >= 3 for name in shown) and most >= 30
    # no name covers another, and every one is whole in the picture, beside its own dot
    rects = name_rects(view)
    room = QRectF(view.plot.viewport().rect())
    assert all(room.contains(rect) for rect in rects)
    assert not [(names(view)[a], names(view)[b]) for a in range(len(rects)) for b in range(a) if rects[a].intersects(rects[b])]
    transform = view.plot.getViewBox().childTransform() * view.plot.getViewBox().sceneTransform() * view.plot.viewportTransform()
    for label, rect in zip(drawn_names(view), rects):
        dot = transform.map(label.pos())
        assert rect.left() <= dot.x() <= rect.right() and abs(rect.center().y() - dot.y()) < rect.height() * 1.5
    # zoomed in on the middle, more notes are named than at the fit zoom, still each clear of the others and whole
    box = view.plot.getViewBox()
    (x0, x1), (y0, y1) = box.viewRange()
    box.setRange(xRange=(x0 + (x1 - x0) * 0.35, x1 - (x1 - x0) * 0.35), yRange=(y0 + (y1 - y0) * 0.35, y1 - (y1 - y0) * 0.35), padding=0)
    qtbot.waitUntil(lambda: len(drawn_names(view)) > len(shown), timeout=5000)
    rects = name_rects(view)
    assert all(room.contains(rect) for rect in rects)
    assert not any(rects[a].intersects(rects[b]) for a in range(len(rects)) for b in range(a))
    # zoomed in close on a note that had no name, it gets one
    unnamed = next(i for i in view._by_degree if titles[i] not in names(view) and view.graph.states[i] != GHOST and view.degree[i] >= 2)
    x, y = view.positions[unnamed]
    span = (x1 - x0) * 0.08
    box.setRange(xRange=(x - span, x + span), yRange=(y - span, y + span), padding=0)
    qtbot.waitUntil(lambda: titles[unnamed] in names(view), timeout=5000)
    rects = name_rects(view)
    assert not any(rects[a].intersects(rects[b]) for a in range(len(rects)) for b in range(a))
    # back to the whole brain, the names are those of the fit zoom again: none left behind from closer in
    view.fit_button.click()
    qtbot.waitUntil(lambda: sorted(names(view)) == sorted(shown), timeout=5000)


def test_a_name_at_the_edge_of_the_view_slides_inside_it():
    room = QRectF(0, 0, 400, 300)
    assert name_rect(QPointF(200, 100), 80, 20, room) == QRectF(160, 106, 80, 20)  # centred, hung below its dot
    assert name_rect(QPointF(395, 100), 80, 20, room).right() == 400  # slid left at the right edge
    assert name_rect(QPointF(3, 100), 80, 20, room).left() == 0  # and right at the left edge
    assert name_rect(QPointF(200, 295), 80, 20, room) == QRectF(160, 269, 80, 20)  # above its dot at the bottom


def test_a_wider_view_names_more_notes(qtbot, window, sample_vault):
    window.resize(1280, 800)
    view = graph_shown(qtbot, window, sample_vault)
    qtbot.waitUntil(lambda: len(drawn_names(view)) >= 8, timeout=5000)
    laptop = len(drawn_names(view))
    window.resize(1920, 1080)
    view.fit_button.click()
    qtbot.waitUntil(lambda: len(drawn_names(view)) > laptop and not view._detail_timer.isActive(), timeout=5000)
    rects = name_rects(view)
    assert not any(rects[a].intersects(rects[b]) for a in range(len(rects)) for b in range(a))


def test_workshop_mode_draws_the_names_the_dots_and_the_legend_in_its_large_type(qtbot, window, sample_vault):
    view = graph_shown(qtbot, window, sample_vault)
    qtbot.waitUntil(lambda: len(drawn_names(view)) > 0, timeout=5000)
    size, dot, key_height = view.font().pointSizeF(), view.dot_size(), view.legend.views[0].height()
    window.workshop.start()
    room = type_scale(window.screen().geometry().height())
    qtbot.waitUntil(lambda: view.font().pointSizeF() > size * (room - 0.1), timeout=5000)
    qtbot.waitUntil(lambda: drawn_names(view) and drawn_names(view)[0].textItem.font().pointSizeF() == view.font().pointSizeF(), timeout=5000)
    assert view.dot_size() > dot and view.nodes.points()[0].size() >= view.dot_size() - 2
    qtbot.waitUntil(lambda: view.legend.views[0].height() > key_height * (room - 0.1), timeout=5000)
    window.workshop.end()


def test_the_selected_note_and_the_notes_the_run_reads_are_always_named(qtbot, window, sample_vault):
    window.resize(1280, 800)
    view = graph_shown(qtbot, window, sample_vault)
    qtbot.waitUntil(lambda: len(drawn_names(view)) >= 8, timeout=5000)
    titles = view.graph.titles
    quiet = next(i for i in reversed(view._by_degree) if titles[i] not in named(view) and view.graph.states[i] != GHOST)
    view.select(view.graph.keys[quiet])
    assert titles[quiet] in named(view)
    panel = window.map_and_run.run
    event = next(e for e in panel.result.run.events if e.notes)
    while panel.current_event() != event:
        panel.step()
    read = {titles[view._index[path]] for path in event.notes if path in view._index}
    assert read and read | {titles[quiet]} <= named(view)
