"""What the map, the run and the graph have drawn, read from their models, scenes and plot items,
with where each thing sits in the window. A picture of the right size with enough colours passes
even when a view draws nothing; these say what is on it, and `painted()` checks that the pixels
at those places carry the colours the models give them.

Used in-process by the offscreen tests and by screenshot_app.py, which writes them beside each
picture as JSON for test_screenshots.py to check against the picture itself."""

from __future__ import annotations

from pyqtgraph import TextItem
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage

from desktop.models.coverage import CELL_ROLE
from desktop.models.notes import PATH_ROLE
from desktop.models.search import SNIPPET_ROLE
from store.graph import GHOST


def _in_window(window, widget, rect: QRect) -> list[int] | None:
    """`rect` (in `widget`'s coordinates) in the window's, if it is wholly in view; else None."""
    if not widget.isVisible() or not widget.rect().contains(rect):
        return None
    corner = widget.mapTo(window, rect.topLeft())
    return [corner.x(), corner.y(), rect.width(), rect.height()]


def map_cells(window) -> list[dict]:
    """Every heat-map cell with a score: its area and motion, its words, its colour, where it is."""
    page = window.map_and_run.map
    view, model = page.map_view, page.map_model
    cells = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            color = index.data(Qt.ItemDataRole.BackgroundRole)
            if not isinstance(color, QColor) or color.alpha() == 0:
                continue
            # a strip down the cell's left side: inside the delegate's rounded fill, clear of the centred text
            rect = view.visualRect(index)
            strip = QRect(rect.left() + 8, rect.top() + 8, 4, max(1, rect.height() - 16))
            cells.append({"cell": list(index.data(CELL_ROLE)), "text": index.data(), "color": color.name(),
                          "at": _in_window(window, view.viewport(), strip)})
    return cells


def run_bars(window) -> list[dict]:
    """Every step on the run's timeline: its name (full, and as its label shows it), its decision's colour,
    whether its bar is shown in that colour yet (`solid`), and where it is: its bar once the run reaches
    it (`state` "outcome"), else its plan's outline (`state` "plan")."""
    view = window.map_and_run.run.timeline
    bars = []
    for name, item in view.bars.items():
        shown = item.isVisible() or name not in view.outlines
        drawn = item if shown else view.outlines[name]
        rect = view.mapFromScene(drawn.mapRectToScene(drawn.rect())).boundingRect()  # its fill, not its edge's pen
        rect = rect.adjusted(3, 3, -3, -3) if rect.width() > 12 else rect.adjusted(0, 3, 0, -3)  # inside its edge, where there is room
        label = view.names[name]
        # filled with its colour, and wide enough to see it (a bar that has just started is a sliver)
        solid = shown and item.brush().style() == Qt.BrushStyle.SolidPattern and item.opacity() == 1.0 and rect.width() >= 6
        bars.append({"name": name, "color": item.brush().color().name(), "labels": [label.toolTip()], "label_shown": label.text(),
                     "solid": solid, "state": "outcome" if shown else "plan", "at": _in_window(window, view.viewport(), rect)})
    return bars


def lane_labels(window) -> list[str]:
    return [item.text() for item in window.map_and_run.run.timeline.lanes]


def graph_dots(window) -> dict:
    """The brain graph's dots as drawn by its scatter plot, split into notes and ghosts, its labels and its legend."""
    view = window.map_and_run.graph
    states = [view.graph.states[spot.data()] for spot in view.nodes.points()]
    labels = [item.textItem.toPlainText() for item in view.plot.getViewBox().childGroup.childItems() if isinstance(item, TextItem) and item.isVisible()]
    return {"notes": sum(1 for s in states if s != GHOST), "ghosts": sum(1 for s in states if s == GHOST),
            "labels": labels, "status": view.status.text(), "legend": legend_keys(window)}


def legend_keys(window) -> list[dict]:
    """The graph legend's keys: what each stands for, its words, its fill (None: hollow or a line) and, where
    it is filled, a small square at the middle of its mark, in the window's coordinates."""
    keys = []
    for view in window.map_and_run.graph.legend.views:
        key, mark = view.key, view.mark_rect().toRect()
        middle = QRect(mark.center().x() - 2, mark.center().y() - 2, 5, 5)
        keys.append({"group": key.group, "name": key.name, "text": key.text, "symbol": key.symbol,
                     "color": key.brush.color().name() if key.brush is not None else None,
                     "at": _in_window(window, view, middle) if key.brush is not None else None})
    return keys


def describe(window, page: str) -> dict:
    """What `page` (main-window, search, map-and-run, brain-graph) shows, in JSON-able form."""
    if page == "main-window":
        return {"title": window.note_view.path, "notes_listed": window.notes.rowCount()}
    if page == "search":
        results = window.search_results
        return {"query": window.search_box.text(), "results": [results.index(row, 0).data(PATH_ROLE) for row in range(results.rowCount())],
                "snippets": [results.index(row, 0).data(SNIPPET_ROLE) for row in range(results.rowCount())]}
    drawn = {"headline": window.map_and_run.map.headline.text(), "bars": run_bars(window), "lanes": lane_labels(window)}
    if page == "map-and-run":
        drawn["cells"] = map_cells(window)
    else:
        drawn["graph"] = graph_dots(window)
    return drawn


def painted(image: QImage, at: list[int], color: str, share: float = 0.6) -> bool:
    """Whether at least `share` of the pixels in the rectangle `at` (x, y, width, height) are `color`."""
    x, y, width, height = at
    want = QColor(color)
    points = [QPoint(x + dx, y + dy) for dx in range(0, width, max(1, width // 12)) for dy in range(0, height, max(1, height // 6))]
    close = sum(1 for p in points if _near(image.pixelColor(p), want))
    return bool(points) and close >= share * len(points)


def _near(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 10
