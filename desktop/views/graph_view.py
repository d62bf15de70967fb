"""The brain graph: notes as dots colored by coverage and shaped by type, typed links as lines,
notes nobody has written yet as hollow ghosts. Drawn with pyqtgraph, which pans and zooms
10,000 dots smoothly; names appear only once few enough dots are in view (level of detail)."""

from __future__ import annotations

import numpy
import pyqtgraph
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop.views.tables import fill_choices
from store.display import printable
from store.graph import GHOST, BrainGraph
from store.words import STATES, counted, label_of, word_for

LEGEND = list(reversed(STATES.values()))  # covered first; a ghost is a known unknown
SYMBOLS = {"system": "s", "seam": "d", "person": "t", "team": "t1", "program": "star", "process": "p", "metric": "h",
           "goal": "star", "audience": "o", "agent": "t2", "unwritten": "o"}
EDGE_BUDGET = 12000  # links drawn at once; zoomed out, typed links go first and plain mentions are thinned
LABELS_BELOW = 50  # names are drawn when at most this many notes are in view (and always for ringed ones)
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
        self.selected: str | None = None
        self._highlight: frozenset[str] = frozenset()
        self._labels: list[pyqtgraph.TextItem] = []
        self._build()

    def _build(self) -> None:
        self.scope_box = QComboBox(objectName="graph-scope")
        self.scope_box.addItems([EVERYTHING, AROUND])
        self.depth_box = QSpinBox(objectName="graph-depth", minimum=1, maximum=3, value=1, prefix="depth ")
        self.type_box = QComboBox(objectName="graph-type")
        self.state_box = QComboBox(objectName="graph-state")
        self.motion_box = QComboBox(objectName="graph-motion")
        self.relation_box = QComboBox(objectName="graph-relation")
        for box in (self.scope_box, self.type_box, self.state_box, self.motion_box, self.relation_box):
            box.currentIndexChanged.connect(lambda _i: self.redraw())
        self.depth_box.valueChanged.connect(lambda _v: self.redraw())
        filters = QHBoxLayout()
        for widget in (self.scope_box, self.depth_box, QLabel("Type"), self.type_box, QLabel("State"), self.state_box,
                       QLabel("Motion"), self.motion_box, QLabel("Link"), self.relation_box):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.plot = pyqtgraph.PlotWidget(objectName="graph-plot")
        self.plot.setBackground(self.palette().base().color())
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        # Typed links (owner, feeds, from…) drawn darker than plain mentions in a note's text.
        self.edges = pyqtgraph.PlotCurveItem(connect="pairs", pen=pyqtgraph.mkPen(color=(70, 80, 100, 150), width=1), antialias=False)
        self.mentions = pyqtgraph.PlotCurveItem(connect="pairs", pen=pyqtgraph.mkPen(color=(140, 146, 156, 55), width=1), antialias=False)
        self._segments = numpy.zeros((0, 2, 2))  # the shown links' ends, most telling first
        self._typed = numpy.zeros(0, dtype=bool)  # which of them are typed links
        self.nodes = pyqtgraph.ScatterPlotItem(hoverable=True, tip=self._tip, hoverSize=14)
        self.rings = pyqtgraph.ScatterPlotItem(pen=pyqtgraph.mkPen("#1f6feb", width=3), brush=None, size=20, symbol="o")
        for item in (self.mentions, self.edges, self.nodes, self.rings):
            self.plot.addItem(item)
        self.nodes.sigClicked.connect(self._clicked)
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_: self._detail_timer.start())
        self._detail_timer = QTimer(self, singleShot=True, interval=60, timeout=self._fit_detail)
        self.status = QLabel(objectName="graph-status", wordWrap=True)  # wraps rather than widen the pane (and squeeze the run beside it)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)

    # --- data --------------------------------------------------------------------------------

    def set_graph(self, graph: BrainGraph, positions) -> None:
        first = self.graph is None
        self.graph, self.positions = graph, numpy.asarray(positions, dtype=float)
        self._fill(self.type_box, "All types", sorted(set(graph.types) - {""}))
        self._fill(self.state_box, "All states", [s.key for s in LEGEND if s.key in set(graph.states)], lambda key: STATES[key].one)
        self._fill(self.motion_box, "All motions", sorted(set(graph.motions) - {"unset"}))
        self._fill(self.relation_box, "All links", sorted({rel for _a, _b, rel in graph.edges}), graph.relation_label)
        self.redraw(fit=first)

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
        self.nodes.setData(
            pos=self.positions[index], data=index, size=[9 if graph.states[i] != GHOST else 7 for i in index],
            symbol=[SYMBOLS.get(graph.types[i], "o") for i in index],
            brush=[BRUSHES.get(graph.states[i]) for i in index], pen=[PENS.get(graph.states[i]) for i in index],
        )
        self._draw_rings()
        ghosts = sum(1 for state in graph.states if state == GHOST)
        known = f", {counted(ghosts, 'known unknown')}" if ghosts else ""
        self.status.setText(f"{len(index):,} shown of {counted(len(graph.keys) - ghosts, 'note')}{known} · {counted(len(edges), 'link')} · "
                            "scroll to zoom, drag to pan, click a note to select it, double-click to read it")
        if fit and len(index):
            self.plot.getViewBox().autoRange(padding=0.05)
        self._fit_detail()

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
        index = self.graph.index_of()
        lit = [index[p] for p in self._highlight if p in index and self.shown[index[p]]]
        chosen = [index[self.selected]] if self.selected in index and self.shown[index[self.selected]] else []
        spots = [{"pos": self.positions[i], "pen": pyqtgraph.mkPen("#1f6feb", width=3), "size": 20} for i in lit]
        spots += [{"pos": self.positions[i], "pen": pyqtgraph.mkPen(self.palette().text().color(), width=2), "size": 16} for i in chosen]
        self.rings.setData(spots)

    def _place_labels(self) -> None:
        """Names for the notes in view, once few enough are: level of detail keeps panning smooth."""
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        if self.graph is None or not self.shown.any():
            return
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        index = numpy.flatnonzero(self.shown)
        xy = self.positions[index]
        inside = index[(xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)]
        keys = self.graph.index_of()
        ringed = {keys[k] for k in (*self._highlight, self.selected) if k in keys and self.shown[keys[k]]}
        named = list(inside) if len(inside) <= LABELS_BELOW else sorted(ringed)
        color = self.palette().text().color()
        for i in named:
            label = pyqtgraph.TextItem(printable(self.graph.titles[i]), color=color, anchor=(0.5, -0.4))
            label.setPos(*self.positions[i])
            self.plot.addItem(label)
            self._labels.append(label)

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
