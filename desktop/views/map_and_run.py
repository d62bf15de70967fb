"""The coverage map and the simulated run side by side, kept current with the vault."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QAbstractSlider, QApplication, QPushButton, QSplitter, QTabBar, QTabWidget, QWidget

from desktop.views.map_page import MapPage
from desktop.views.run_panel import RunPanel
from store.graph import layout
from store.runs import chances
from store.simulate import Scenario


class MapAndRun(QSplitter):
    """`read(work, on_done)` runs `work(reader)` off the UI thread. Everything shown is read there,
    through the session's `BrainReader`: the coverage report (kept current by the reader, so after an
    edit only the touched notes are judged again), the programs, and each run of the chosen program.
    It follows the session's `indexUpdated`: a change is read again once the map is on screen."""

    noteRequested = Signal(str)
    writeRequested = Signal(str, str, str)  # title, why, the type its links say it would be: a note nobody has written yet
    captureRequested = Signal()
    fixRequested = Signal(str, str)  # what, the note's path (see MapPage.fixRequested)

    def __init__(self, read: Callable, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("map-and-run")
        self._read = read
        self.has_vault = False
        self.today: dt.date | None = None  # None: the real today (tests pin a day)
        self.stale = True  # something changed since the map was last read
        self._serial = itertools.count(1)
        self._latest_run = 0
        self._after_run: Callable[[], None] | None = None  # what waits for the first run on screen
        self.map = MapPage(self)
        self.graph = None  # the graph view, made when first shown (it brings pyqtgraph and numpy)
        self.graph_stale = True
        self.graph_filters: dict = {}
        self._positions: dict[str, tuple[float, float]] = {}  # the graph's picture, kept across changes
        self.left = QTabWidget(objectName="map-tabs", documentMode=True)
        self.left.addTab(self.map, "Coverage map")
        self.left.addTab(QWidget(), "Brain graph")
        self.left.currentChanged.connect(lambda _i: self._show_graph_if_chosen())
        self.capture_button = QPushButton("+ Capture", objectName="map-capture", toolTip="Capture a note (Ctrl+N)")
        self.capture_button.clicked.connect(self.captureRequested)
        self.left.setCornerWidget(self.capture_button, Qt.Corner.TopRightCorner)
        self.run = RunPanel(self)
        self.addWidget(self.left)
        self.addWidget(self.run)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 1)
        self.map.noteRequested.connect(self.noteRequested)
        self.map.writeRequested.connect(self.writeRequested)
        self.map.fixRequested.connect(self.fixRequested)
        self.run.noteRequested.connect(self.noteRequested)
        self.run.writeRequested.connect(lambda title, why: self.writeRequested.emit(title, why, ""))  # "": the map's known unknown says
        self.run.highlightChanged.connect(self._highlight)
        self.run.runRequested.connect(self._run)
        self.map.lists.currentChanged.connect(self._read_history_if_shown)
        self._play_key = self._page_key(Qt.Key.Key_Space, self.run.play_or_pause)
        self._step_key = self._page_key(Qt.Key.Key_Right, self.run.step)
        QApplication.instance().focusChanged.connect(self._keys_follow_focus)
        self._history_timer = QTimer(self, interval=3000, timeout=lambda: self._read_history_if_shown(self.map.lists.currentIndex()))

    def _page_key(self, key: Qt.Key, slot) -> QShortcut:
        """A key the whole page answers to, whichever part of it has the focus (the drop-down too)."""
        shortcut = QShortcut(QKeySequence(key), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _keys_follow_focus(self, _old, now) -> None:
        """→ still moves across a table's cells and between tabs. (A text box or a number box takes its
        space and arrows itself: Qt offers it the key before any shortcut.)"""
        self._step_key.setEnabled(not isinstance(now, (QAbstractItemView, QTabBar, QAbstractSlider)))

    def follow(self, session, graph_filters: dict | None = None) -> None:
        """A vault was opened: show its map. `graph_filters`: the graph's filters as this vault last had them."""
        self.has_vault, self.stale, self.graph_stale = True, True, True
        session.indexUpdated.connect(self.changed)
        self.run.result = None
        self._positions = {}
        self.graph_filters = graph_filters or {}
        if self.graph is not None:
            self.graph.graph = None

    def changed(self, _changes=None) -> None:
        """Notes changed on disk: read the map again now if it is on screen, else when it is shown."""
        self.stale = self.graph_stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Read the map and the programs again, then the chosen program's run; `then` once both are
        shown. One thing at a time: on two cores, reads side by side only slow each other."""
        if not self.has_vault:
            return
        self.stale = False
        day = self.today

        def work(reader):
            # A program that runs B2B and B2C at once shows the most; it is the one chosen first.
            return reader.coverage(day), reader.programs(), reader.shared_programs(), reader.history()

        def shown(result) -> None:
            report, programs, both, points = result
            self.map.set_report(report)
            self.map.set_history(points)
            had = self.run.result is not None
            self.run.set_programs(programs, preferred=next((path for path, _title in programs if path in both), None))
            if had:
                self.run.request()  # the notes it reads may have changed
            if then and self._latest_run == requested:  # no run asked for (no programs): go on now
                then()
            elif then:
                self._after_run = then
                QTimer.singleShot(2000, self, self._flush_after_run)  # a run that fails must not hold the lists back

        requested = self._latest_run
        self._read(work, shown)
        self._show_graph_if_chosen()

    def _read_history_if_shown(self, index: int) -> None:
        """The watcher takes coverage snapshots when the vault goes quiet (at most one a minute),
        without a change to announce: while the trend is on screen, it is read every few seconds."""
        shown = self.map.lists.tabText(index) == "Trend" and self.has_vault and self.isVisible()
        if not shown:
            self._history_timer.stop()
            return
        self._history_timer.start()
        self._read(lambda reader: reader.history(), self.map.set_history)

    def _highlight(self, paths) -> None:
        self.map.set_highlight(paths)
        if self.graph is not None:
            self.graph.set_highlight(paths)

    def _show_graph_if_chosen(self) -> None:
        if self.left.currentIndex() != 1 or not self.has_vault:
            return
        if self.graph is None:
            from desktop.views.graph_view import GraphView

            self.graph = GraphView()
            self.graph.noteRequested.connect(self.noteRequested)
            self.left.blockSignals(True)
            self.left.removeTab(1)
            self.left.addTab(self.graph, "Brain graph")
            self.left.setCurrentIndex(1)
            self.left.blockSignals(False)
            if self.run.current_event():
                self.graph.set_highlight(self.run.current_event().notes)
        if self.graph_stale:
            self.refresh_graph()

    def refresh_graph(self) -> None:
        """Read the graph and lay it out off the UI thread; notes keep their places across changes."""
        self.graph_stale = False
        known, drawn = dict(self._positions), self.graph.graph

        def work(reader):
            graph = reader.graph()
            if drawn is not None and (drawn.keys, drawn.edges) == (graph.keys, graph.edges):
                return graph, None  # the same picture: a note's text changed, not its links
            start = {i: known[key] for i, key in enumerate(graph.keys) if key in known}
            return graph, layout(len(graph.keys), [(a, b) for a, b, _rel in graph.edges], start)

        def shown(result) -> None:
            graph, positions = result
            first = self.graph.graph is None
            if positions is None:
                positions = self.graph.positions
            self._positions = {key: tuple(xy) for key, xy in zip(graph.keys, positions)}
            self.graph.set_graph(graph, positions)
            if first and self.graph_filters:
                self.graph.set_filters(self.graph_filters)

        self._read(work, shown)

    def _flush_after_run(self) -> None:
        if self._after_run:
            after, self._after_run = self._after_run, None
            after()

    def _impact_shown(self, result, impact) -> None:
        self.run.show_impact(result, impact)
        self._read(lambda _reader: chances(result, impact), lambda found: self.run.show_chances(result, *found))

    def _run(self, program: str, scenario: Scenario) -> None:
        serial = self._latest_run = next(self._serial)
        day = self.today

        def shown(result) -> None:
            if serial == self._latest_run:
                self.run.show_result(result)
                self._flush_after_run()
                self._read(lambda _reader: result.simulation.impact(scenario), lambda impact: self._impact_shown(result, impact))

        self._read(lambda reader: reader.run(program, scenario, day), shown)
