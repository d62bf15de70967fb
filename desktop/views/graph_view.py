"""The brain graph: notes as dots colored by coverage and shaped by type, typed links as lines,
notes nobody has written yet as hollow ghosts, with a legend that says so. Drawn with pyqtgraph,
which pans and zooms 10,000 dots smoothly; the most-linked notes in view are named, as many as fit
without one name covering another, and more as you zoom in (level of detail)."""

from __future__ import annotations

import numpy
import pyqtgraph
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTextDocument
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop.models.coverage import MAP_COLUMNS
from desktop.views.flow import FlowLayout
from desktop.views.graph_legend import LINE, GraphLegend, Key
from desktop.views.tables import fill_choices
from store.display import printable
from store.graph import GHOST, BrainGraph
from store.words import STATE_MEANINGS, STATES, agreeing, counted, label_of, word_for

LEGEND = list(reversed(STATES.values()))  # covered first; a ghost is a known unknown
# A note's shape says its type; a type not named here is a dot. The legend reads them from here.
SYMBOLS = {"system": "s", "seam": "d", "person": "t", "team": "t1", "program": "star", "process": "p", "metric": "h",
           "goal": "star", "audience": "o", "agent": "t2", "unwritten": "o"}
TYPED_PEN = pyqtgraph.mkPen(color=(70, 80, 100, 150), width=1)  # a typed link (owner, feeds, from…)
MENTION_PEN = pyqtgraph.mkPen(color=(140, 146, 156, 55), width=1)  # a plain mention in a note's text
RUN_RING = pyqtgraph.mkPen("#1f6feb", width=3)  # the notes the run is reading
EDGE_BUDGET = 12000  # links drawn at once; zoomed out, typed links go first and plain mentions are thinned
LABEL_ROOM = 14000  # square pixels of the view per name: a 760x600 view names up to 32 notes, if they fit
LABEL_TRIES = 400  # the most-linked notes in view tried for a name, however many are in view
LABEL_CHARS = 40  # a longer title is cut with an ellipsis (hovering the dot shows it whole)
EVERYTHING, AROUND = "Whole brain", "Around the selected note"


class GraphView(QWidget):
    noteRequested = Signal(str)
    selectionChanged = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        pyqtgraph.setConfigOptions(antialias=True)
        self.graph: BrainGraph | None = None
        self.positions = numpy.zeros((0, 2))
        self.shown = numpy.zeros(0, dtype=bool)  # which nodes pass the filters
        self.degree = numpy.zeros(0, dtype=int)  # how many links each note has, either way
        self._by_degree = numpy.zeros(0, dtype=int)  # the shown notes, most linked first
        self._extent = (0.0, 0.0)
        self._index: dict[str, int] = {}
        self.selected: str | None = None
        self._highlight: frozenset[str] = frozenset()
        self._labels: list[pyqtgraph.TextItem] = []  # the names on the graph now: the first of the pool
        self._pool: list[pyqtgraph.TextItem] = []  # every name item made so far, shown or hidden
        self._names: dict[str, tuple[str, float]] = {}  # a title: its name and width, in the type size below
        self._names_in = QFont()
        self._build()

    def _build(self) -> None:
        self.scope_box = QComboBox(objectName="graph-scope", toolTip="Show the whole brain, or only the notes a few links around the one you clicked")
        self.scope_box.addItems([EVERYTHING, AROUND])
        self.depth_box = QSpinBox(objectName="graph-depth", minimum=1, maximum=3, value=1, prefix="within ", suffix=" link",
                                  toolTip="How many links away from the selected note to show")
        self.type_box = QComboBox(objectName="graph-type", toolTip="Show only the notes of one type")
        self.state_box = QComboBox(objectName="graph-state", toolTip="Show only the notes in one coverage state")
        self.motion_box = QComboBox(objectName="graph-motion", toolTip="Show only the notes of one motion (B2B, B2C or shared)")
        self.relation_box = QComboBox(objectName="graph-relation", toolTip="Show only the links of one kind, and the notes they join")
        self.fit_button = QPushButton("Zoom to fit", objectName="graph-fit", toolTip="Zoom out and centre, to show every note the filters let through")
        self.fit_button.clicked.connect(self.fit)
        for box in (self.scope_box, self.type_box, self.state_box, self.motion_box, self.relation_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # every choice readable whole
        for box in (self.type_box, self.state_box, self.motion_box, self.relation_box):
            box.currentIndexChanged.connect(lambda _i: self.redraw())
        # the notes around one are a corner of the picture: show them filling it (and the whole brain, back again)
        self.scope_box.currentIndexChanged.connect(lambda _i: self.redraw(fit=True))
        self.depth_box.valueChanged.connect(lambda _v: self.redraw(fit=True))
        # Filters wrap onto a second row rather than squeeze their words or widen the pane (and narrow the run beside it).
        filters = FlowLayout(spacing=10)
        for words, *widgets in (("Show", self.scope_box, self.depth_box), ("Type", self.type_box), ("State", self.state_box),
                                ("Motion", self.motion_box), ("Link", self.relation_box)):
            filters.addWidget(_side_by_side(QLabel(words), *widgets))

        self.plot = pyqtgraph.PlotWidget(objectName="graph-plot")
        self.plot.setBackground(self.palette().base().color())
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.hideButtons()  # pyqtgraph's unlabelled "A" (auto-range) button: "Zoom to fit" says what it does
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        # Typed links (owner, feeds, from…) drawn darker than plain mentions in a note's text.
        self.edges = pyqtgraph.PlotCurveItem(connect="pairs", pen=TYPED_PEN, antialias=False)
        self.mentions = pyqtgraph.PlotCurveItem(connect="pairs", pen=MENTION_PEN, antialias=False)
        self._segments = numpy.zeros((0, 2, 2))  # the shown links' ends, most telling first
        self._typed = numpy.zeros(0, dtype=bool)  # which of them are typed links
        self.nodes = pyqtgraph.ScatterPlotItem(hoverable=True, tip=self._tip, hoverSize=14)
        self.rings = pyqtgraph.ScatterPlotItem(pen=RUN_RING, brush=None, size=20, symbol="o")
        for item in (self.mentions, self.edges, self.nodes, self.rings):
            self.plot.addItem(item)
        self.rings.setZValue(10)  # over the names: the run's notes stay in sight
        self.nodes.sigClicked.connect(self._clicked)
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_: self._detail_timer.start())
        self._detail_timer = QTimer(self, singleShot=True, interval=60, timeout=self._fit_detail)
        self.legend = GraphLegend()
        self.status = QLabel(objectName="graph-status", wordWrap=True)  # wraps rather than widen the pane (and squeeze the run beside it)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.fit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(footer)
        self._show_depth()

    def changeEvent(self, event) -> None:
        """Workshop mode's large type and projector colours reach the names and the background too."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.plot.setBackground(self.palette().base().color())
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and self.graph is not None:
            self.legend.set_keys(self.legend_keys())
            self.redraw()  # dots sized to the type, names in it

    def dot_size(self) -> int:
        """A note's dot, in pixels: about half a line of text, so large type (a projector) draws larger dots."""
        return max(9, round(self.fontMetrics().height() * 0.55))

    def _show_depth(self) -> None:
        """How far around the selected note: asked only when showing around it."""
        self.depth_box.setVisible(self.scope_box.currentText() == AROUND)
        self.depth_box.setSuffix(" " + agreeing(self.depth_box.value(), "link"))

    # --- data --------------------------------------------------------------------------------

    def set_graph(self, graph: BrainGraph, positions) -> None:
        first = self.graph is None
        self.graph, self.positions = graph, numpy.asarray(positions, dtype=float)
        self._index = graph.index_of()
        ends = numpy.fromiter((end for a, b, _rel in graph.edges for end in (a, b)), dtype=int, count=2 * len(graph.edges))
        self.degree = numpy.bincount(ends, minlength=len(graph.keys))
        self._fill(self.type_box, "All types", sorted(set(graph.types) - {""}))
        self._fill(self.state_box, "All states", [s.key for s in LEGEND if s.key in set(graph.states)], lambda key: STATES[key].one)
        self._fill(self.motion_box, "All motions", sorted(set(graph.motions) - {"unset"}), lambda key: dict(MAP_COLUMNS).get(key, label_of(key)))
        self._fill(self.relation_box, "All links", sorted({rel for _a, _b, rel in graph.edges}), graph.relation_label)
        self.legend.set_keys(self.legend_keys())
        self.redraw(fit=first)

    def legend_keys(self) -> list[Key]:
        """What the colours, shapes, lines and rings mean, from the pens, brushes and shapes the graph draws with:
        every state's colour, and each shape used by the types in this brain."""
        keys = [Key("Colour = coverage", state.key, "not written yet (known unknown)" if state.key == GHOST else state.one,
                    f"{state.one.capitalize()}: {STATE_MEANINGS[state.key]}", "o", PENS[state.key], BRUSHES[state.key]) for state in LEGEND]
        by_symbol: dict[str, list[str]] = {}
        order = list(SYMBOLS)
        for kind in sorted(set(self.graph.types) - {"unwritten"}, key=lambda kind: (SYMBOLS.get(kind, "o") == "o", order.index(kind) if kind in order else len(order), kind)):
            by_symbol.setdefault(SYMBOLS.get(kind, "o"), []).append(kind or "no type")  # a dot, any other type, comes last
        mark = QColor(self.palette().text().color())
        mark.setAlpha(150)
        keys += [Key("Shape = type", symbol, ", ".join(kinds), f"A note of type {' or '.join(kinds)}", symbol, pyqtgraph.mkPen(mark),
                     pyqtgraph.mkBrush(mark)) for symbol, kinds in by_symbol.items()]
        selected = pyqtgraph.mkPen(self.palette().text().color(), width=2)
        keys += [Key("Links", "typed", "typed (owner, feeds…)", "A field of one note names the other: owner, feeds, from…", LINE, TYPED_PEN, None),
                 Key("Links", "mention", "mentioned in the text", "One note's text links to the other", LINE, MENTION_PEN, None),
                 Key("Rings", "run", "read by the run now", "The notes the run reads at its current step: press Play or Step beside the map",
                     "o", RUN_RING, None),
                 Key("Rings", "selected", "selected", "The note you clicked: double-click it or press Enter to read it", "o", selected, None)]
        return keys

    def _fill(self, box: QComboBox, everything: str, values: list[str], word=lambda value: label_of(value).lower()) -> None:
        fill_choices(box, [("", everything)] + [(v, word(v)) for v in values])

    def filters(self) -> dict[str, str]:
        return {"scope": self.scope_box.currentText(), "depth": str(self.depth_box.value()), "type": self.type_box.currentData() or "",
                "state": self.state_box.currentData() or "", "motion": self.motion_box.currentData() or "",
                "relation": self.relation_box.currentData() or ""}

    def set_filters(self, saved: dict) -> None:
        """Filters as `filters()` gave them (a vault's saved choice); unknown values are left as they are."""
        self.scope_box.setCurrentText(saved.get("scope", EVERYTHING))
        self.depth_box.setValue(int(saved.get("depth", 1) or 1))
        for box, key in ((self.type_box, "type"), (self.state_box, "state"), (self.motion_box, "motion"), (self.relation_box, "relation")):
            if box.findData(saved.get(key, "")) < 0 and saved.get(key):
                box.addItem(label_of(saved[key]).lower(), saved[key])
            box.setCurrentIndex(max(0, box.findData(saved.get(key, ""))))

    def set_highlight(self, paths) -> None:
        self._highlight = frozenset(paths)
        self._draw_rings()
        self._place_labels()

    def select(self, key: str | None) -> None:
        self.selected = key
        if self.scope_box.currentText() == AROUND:
            self.redraw(fit=True)
        else:
            self._draw_rings()
            self._place_labels()

    # --- drawing -----------------------------------------------------------------------------

    def visible_keys(self) -> list[str]:
        return [key for key, shown in zip(self.graph.keys, self.shown) if shown] if self.graph else []

    def redraw(self, fit: bool = False) -> None:
        graph = self.graph
        if graph is None:
            return
        self._show_depth()
        f = self.filters()
        shown = numpy.ones(len(graph.keys), dtype=bool)
        for values, wanted in ((graph.types, f["type"]), (graph.states, f["state"]), (graph.motions, f["motion"])):
            if wanted:
                shown &= numpy.fromiter((v == wanted for v in values), dtype=bool, count=len(values))
        if f["scope"] == AROUND and self.selected:
            around = numpy.zeros(len(graph.keys), dtype=bool)
            around[list(graph.neighbourhood(self.selected, int(f["depth"])))] = True
            shown &= around
        self.shown = shown
        kept = [(a, b, rel) for a, b, rel in graph.edges if shown[a] and shown[b] and (not f["relation"] or rel == f["relation"])]
        edges, relations = [(a, b) for a, b, _rel in kept], [rel for _a, _b, rel in kept]
        if f["relation"]:  # a relation filter shows the notes it links, not every note
            linked = numpy.zeros(len(graph.keys), dtype=bool)
            for a, b in edges:
                linked[a] = linked[b] = True
            self.shown = shown = shown & linked
        typed = sorted(range(len(edges)), key=lambda k: graph_rel_rank(relations[k]))
        ends = numpy.asarray(edges, dtype=int).reshape(-1, 2)[typed] if edges else numpy.zeros((0, 2), dtype=int)
        self._segments = self.positions[ends] if len(ends) else numpy.zeros((0, 2, 2))
        self._typed = numpy.fromiter((graph_rel_rank(relations[k]) == 0 for k in typed), dtype=bool, count=len(typed))
        index = numpy.flatnonzero(shown)
        self._by_degree = index[numpy.argsort(-self.degree[index], kind="stable")]
        spread = numpy.ptp(self.positions[index], axis=0) if len(index) else numpy.zeros(2)
        self._extent = (float(spread[0]), float(spread[1]))  # the shown notes' width and height: the zoom at which all fit
        dot = self.dot_size()
        self.nodes.setData(
            pos=self.positions[index], data=index, size=[dot if graph.states[i] != GHOST else dot - 2 for i in index], hoverSize=dot + 5,
            symbol=[SYMBOLS.get(graph.types[i], "o") for i in index],
            brush=[BRUSHES.get(graph.states[i]) for i in index], pen=[PENS.get(graph.states[i]) for i in index],
        )
        self._draw_rings()
        ghosts = sum(1 for state in graph.states if state == GHOST)
        known = f", {counted(ghosts, 'known unknown')}" if ghosts else ""
        self.status.setText(f"{len(index):,} shown of {counted(len(graph.keys) - ghosts, 'note')}{known} · {counted(len(edges), 'link')} · "
                            "scroll to zoom, drag to pan, click a note to select it, double-click to read it")
        if fit and len(index):
            self.fit()
        self._fit_detail()

    def fit(self) -> None:
        """Zoom to the notes shown, every one in view (the links to hidden notes are redrawn after, so not asked)."""
        self.plot.getViewBox().autoRange(padding=0.05, items=[self.nodes])

    def _fit_detail(self) -> None:
        """Level of detail for what is in view: the links with an end in view (a budget of them,
        typed links first) and, once few notes are in view, their names."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        segments, typed = self._segments, self._typed
        if len(segments):
            mx, my = (x1 - x0) * 0.25, (y1 - y0) * 0.25
            xs, ys = segments[:, :, 0], segments[:, :, 1]
            near = ((xs >= x0 - mx) & (xs <= x1 + mx) & (ys >= y0 - my) & (ys <= y1 + my)).any(axis=1)
            segments, typed = segments[near][:EDGE_BUDGET], typed[near][:EDGE_BUDGET]
        for curve, part in ((self.edges, segments[typed]), (self.mentions, segments[~typed])):
            flat = part.reshape(-1, 2)
            curve.setData(flat[:, 0], flat[:, 1]) if len(flat) else curve.setData([], [])
        self._place_labels()

    def _draw_rings(self) -> None:
        if self.graph is None:
            return
        index = self._index
        lit = [index[p] for p in self._highlight if p in index and self.shown[index[p]]]
        chosen = [index[self.selected]] if self.selected in index and self.shown[index[self.selected]] else []
        dot = self.dot_size()
        spots = [{"pos": self.positions[i], "pen": RUN_RING, "size": dot * 2 + 2} for i in lit]
        spots += [{"pos": self.positions[i], "pen": pyqtgraph.mkPen(self.palette().text().color(), width=2), "size": dot * 2 - 2} for i in chosen]
        self.rings.setData(spots)

    def _place_labels(self) -> None:
        """Names for the notes in view: the ringed ones, then the most linked, each where it covers no other name
        (nor a named dot) and stays in view, as many as the view has room for; zoomed in, the notes spread apart
        and the room grows with the zoom, so more are named. Level of detail: a few hundred notes are tried,
        however many are in view, and the name items are made once and reused (making them is what costs)."""
        self._labels = []
        if self.graph is not None and self.shown.any():
            self._name_notes_in_view()
        for label in self._pool[len(self._labels):]:
            label.hide()

    def _name_notes_in_view(self) -> None:
        box = self.plot.getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        xy = self.positions[self._by_degree]
        inside = self._by_degree[(xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)]
        ringed = [self._index[k] for k in (*sorted(self._highlight), self.selected) if k in self._index and self.shown[self._index[k]]]
        to_pixels = box.childTransform() * box.sceneTransform() * self.plot.viewportTransform()
        room = QRectF(self.plot.viewport().rect())
        zoom = max(1.0, min(self._extent[0] / max(x1 - x0, 1e-9), self._extent[1] / max(y1 - y0, 1e-9)))
        budget = max(3, int(room.width() * room.height() * zoom / LABEL_ROOM))
        font, dot = self.font(), self.dot_size()
        if self._names_in != font:  # names measured in another type size
            self._names_in, self._names = QFont(font), {}
        height = self._name("")[1]
        taken = _Taken()
        color, fill = self.palette().text().color(), QColor(self.palette().base().color())
        fill.setAlpha(200)  # the lines beneath show through faintly; the name stays readable
        brush = pyqtgraph.mkBrush(fill)
        for n, i in enumerate(dict.fromkeys([*ringed, *inside[:LABEL_TRIES].tolist()])):
            must = n < len(ringed)
            if not must and len(self._labels) >= budget:
                break
            text, width = self._name(self.graph.titles[i])
            at = to_pixels.map(QPointF(*self.positions[i]))
            rect = name_rect(at, width, height, room)
            if not must and (not room.contains(rect) or taken.covers(rect)):
                continue
            mark = dot * 2 + 2 if must else dot + 3  # a ringed note's ring, or a named dot
            taken.add(rect.adjusted(-2, -1, 2, 1))
            taken.add(QRectF(at.x() - mark / 2, at.y() - mark / 2, mark, mark))
            if len(self._labels) == len(self._pool):
                self._pool.append(self._new_label())
            label = self._pool[len(self._labels)]
            label.fill = brush
            label.setFont(font)
            label.setAnchor(((at.x() - rect.left()) / rect.width(), (at.y() - rect.top()) / rect.height()))
            label.setText(text, color=color)
            label.setPos(*self.positions[i])
            label.setToolTip(printable(self.graph.titles[i]))
            label.show()
            self._labels.append(label)

    def _name(self, title: str) -> tuple[str, float]:
        """A title as a name on the graph (cut short past LABEL_CHARS) and its width in pixels; for "", the
        height of a name. Measured once per title and type size: panning asks again and again."""
        if title not in self._names:
            metrics = QFontMetricsF(self._names_in)
            if not title:
                self._names[title] = ("", _line_height(self._names_in, NAME_MARGIN))
            else:
                text = metrics.elidedText(printable(title), Qt.TextElideMode.ElideRight, metrics.averageCharWidth() * LABEL_CHARS)
                self._names[title] = (text, metrics.horizontalAdvance(text) + 2 * NAME_MARGIN + 2)
        return self._names[title]

    def _new_label(self) -> pyqtgraph.TextItem:
        label = pyqtgraph.TextItem()
        label.textItem.document().setDocumentMargin(NAME_MARGIN)
        label.setZValue(5)  # over the links and dots, under the rings
        self.plot.getViewBox().addItem(label, ignoreBounds=True)  # a name never widens "Zoom to fit"
        return label

    def _tip(self, x, y, data) -> str:
        graph = self.graph
        i = int(data)
        links = [(rel, graph.titles[b]) for a, b, rel in graph.edges if a == i][:8]
        back = [(rel, graph.titles[a]) for a, b, rel in graph.edges if b == i][:8]
        lines = [graph.titles[i], f"{graph.types[i] or 'no type'} · {word_for(STATES, graph.states[i])}"]
        lines += [f"→ {graph.relation_label(rel)}: {title}" for rel, title in links]
        lines += [f"← {graph.reverse_label(rel)}: {title}" for rel, title in back]
        return "\n".join(map(printable, lines))

    def _clicked(self, _item, points, event=None) -> None:
        if not len(points):
            return
        key = self.graph.keys[int(points[0].data())]
        double = event is not None and event.double()
        if double and not key.startswith("unwritten:"):
            self.noteRequested.emit(key)
            return
        self.select(key)
        self.selectionChanged.emit(key)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected and not self.selected.startswith("unwritten:"):
            self.noteRequested.emit(self.selected)
        else:
            super().keyPressEvent(event)


LABEL_DROP = 0.3  # a name hangs below its dot by this share of its height, clear of the dot
NAME_MARGIN = 1.0  # pixels round a name's text, inside its background


class _Taken:
    """The rectangles already taken by names and named dots, in buckets of the view, so that a name is
    checked only against its neighbours."""

    CELL = 64

    def __init__(self):
        self.cells: dict[tuple[int, int], list[QRectF]] = {}

    def _cells(self, rect: QRectF):
        for x in range(int(rect.left() // self.CELL), int(rect.right() // self.CELL) + 1):
            for y in range(int(rect.top() // self.CELL), int(rect.bottom() // self.CELL) + 1):
                yield x, y

    def covers(self, rect: QRectF) -> bool:
        return any(rect.intersects(other) for cell in self._cells(rect) for other in self.cells.get(cell, ()))

    def add(self, rect: QRectF) -> None:
        for cell in self._cells(rect):
            self.cells.setdefault(cell, []).append(rect)


def _side_by_side(*widgets: QWidget) -> QWidget:
    """Widgets kept together on one row of a flow layout (a filter's name and its box)."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return holder


def name_rect(at: QPointF, width: float, height: float, room: QRectF) -> QRectF:
    """Where a dot's name goes, in pixels: hung below the dot, or above it at the bottom of the view, and
    slid sideways to stay in view at its left and right edges."""
    top = at.y() + LABEL_DROP * height
    if top + height > room.bottom():
        top = at.y() - (1 + LABEL_DROP) * height
    left = min(max(at.x() - width / 2, room.left()), room.right() - width)
    return QRectF(left, top, width, height)


def _line_height(font, margin: float) -> float:
    """The height of a one-line name as pyqtgraph's TextItem lays it out (a text document) in `font`."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(margin)
    document.setPlainText("Xg")
    return document.size().height()


def graph_rel_rank(relation: str) -> int:
    """Typed links (owner, feeds, from…) before plain mentions in the text."""
    return 1 if relation in ("links_to", "embeds") else 0


def _pens_and_brushes() -> tuple[dict, dict]:
    """One pen and one brush per state, shared by every dot (pyqtgraph draws each kind once)."""
    pens, brushes = {}, {}
    for state in LEGEND:
        ghost, color = state.key == GHOST, state.colour
        pens[state.key] = pyqtgraph.mkPen(color, width=1.5) if ghost else pyqtgraph.mkPen(pyqtgraph.mkColor(color).darker(140), width=1)
        brushes[state.key] = None if ghost else pyqtgraph.mkBrush(color)
    return pens, brushes


PENS, BRUSHES = _pens_and_brushes()
