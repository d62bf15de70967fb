"""The coverage map: what the brain knows, area by area and motion by motion, and where the
knowledge lives today. Beside it, the simulated run (`RunPanel`), lighting up what it reads."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu, QSizePolicy, QStyledItemDelegate, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from desktop.models.coverage import (
    CELL_ROLE, HIGHLIGHT_ROLE, MAP_COLUMNS, SCORE_ROLE, Column, CoverageMapModel, RowsModel, note_columns, trapped_columns,
)
from desktop.models.notes import PATH_ROLE
from desktop.views.tables import headline, over_under, row_list
from store.coverage import UNTYPED, CoverageReport
from store.words import STATES, counted, score_hex

CHART_TABS = ("Where it lives", "Trend")  # made when first shown: charts bring pyqtgraph


class HeatDelegate(QStyledItemDelegate):
    """A cell filled with its score's colour, dark text on it; while the run reads its notes, a frame a room
    can see from the back (thick near-black with a signal-yellow glow inside it, over the gap around the cell) and bold text."""

    LIT_FRAME, LIT_GLOW = QColor("#0a0a0a"), QColor("#ffd400")  # black and signal yellow: seen on any score's colour

    def paint(self, painter, option, index) -> None:
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(2, 2, -2, -2)
        color = index.data(Qt.ItemDataRole.BackgroundRole)
        lit = bool(index.data(HIGHLIGHT_ROLE))
        if isinstance(color, QColor):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(rect, 4, 4)
        if option.state & option.state.State_Selected:
            painter.setPen(QPen(option.palette.highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(1, 1, -1, -1), 4, 4)
        if lit:  # the frame's outer edge is the cell's own edge: a lit cell stands out of the grid
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(self.LIT_FRAME, 4))
            painter.drawRoundedRect(QRectF(option.rect).adjusted(2, 2, -2, -2), 5, 5)
            painter.setPen(QPen(self.LIT_GLOW, 3))
            painter.drawRoundedRect(QRectF(option.rect).adjusted(5.5, 5.5, -5.5, -5.5), 3, 3)
        painter.setPen(QColor("#14171f") if isinstance(color, QColor) else option.palette.placeholderText().color())
        font = QFont(option.font)
        font.setBold(lit or font.bold())
        painter.setFont(font)
        text = index.data() or ""
        if text.count("\n") and rect.height() < QFontMetrics(font).lineSpacing() * (text.count("\n") + 1):
            text = text.split("\n")[0]  # no room for the count (large type on a projector): the score alone
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class HeatMap(QTableView):
    """The map's table: its rows share the height it has, each at least one line of type, and it asks
    its page for the height every row needs, so no area ever hides below the fold."""

    def __init__(self, model):
        super().__init__(objectName="heat-map")
        self.setModel(model)
        self.setItemDelegate(HeatDelegate(self))
        self.setShowGrid(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.fit_rows)
        self.fit_rows()

    def row_floor(self) -> int:
        """The least a row may be: one line of the score, with the cell's margins."""
        return self.fontMetrics().lineSpacing() + 4

    def fit_rows(self) -> None:
        floor = self.row_floor()
        header = self.verticalHeader()
        header.setMinimumSectionSize(floor)
        header.setDefaultSectionSize(floor)
        rows = self.model().rowCount()
        self.setMinimumHeight(self.horizontalHeader().sizeHint().height() + rows * floor + 2 * self.frameWidth())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):  # workshop mode's large type
            self.fit_rows()


class ScaleBar(QWidget):
    """The map's colour scale, drawn from `store.words.score_hex` itself: 0% at the left, complete at the right."""

    STOPS = tuple(i / 10 for i in range(11))

    def __init__(self, parent=None):
        super().__init__(parent, objectName="map-scale-bar")
        self.setFixedSize(96, 12)

    def colours(self) -> list[tuple[float, str]]:
        return [(stop, score_hex(stop)) for stop in self.STOPS]

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        gradient = QLinearGradient(0, 0, self.width(), 0)
        for stop, colour in self.colours():
            gradient.setColorAt(stop, QColor(colour))
        painter.fillRect(self.rect(), gradient)
        painter.end()


def map_legend() -> QWidget:
    """What the map's colours and marks mean, in a line under it."""
    legend = QWidget(objectName="map-legend")
    layout = QHBoxLayout(legend)
    layout.setContentsMargins(2, 0, 2, 0)
    layout.setSpacing(6)
    legend.scale = ScaleBar()
    layout.addWidget(QLabel("0%"))
    layout.addWidget(legend.scale)
    layout.addWidget(QLabel("100%"))
    legend.words = QLabel("of what the blueprint asks  ·  “—” none written", wordWrap=True,
                          objectName="map-legend-words")
    legend.words.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # wraps to the map's width, never widens it
    layout.addWidget(legend.words, 1)
    legend.setToolTip("Each cell's colour is its notes' mean completeness against the blueprint, red (0%) through amber (60%) "
                      "to green (100%). A framed cell holds a note the run is reading now.")
    return legend


class MapPage(QWidget):
    noteRequested = Signal(str)
    writeRequested = Signal(str, str, str)  # title, why, the type its links say it would be: a known unknown to write
    fixRequested = Signal(str, str)  # what ("edit", "owner", "reviewed"), the note's path: fill the gap in one action

    def __init__(self, parent=None):
        super().__init__(parent)
        self.report: CoverageReport | None = None
        self.cell: tuple[str, str] | None = None
        self._build()

    def _build(self) -> None:
        self.headline = headline("coverage-headline", 1.25)
        self.subline = QLabel(objectName="coverage-subline", wordWrap=True)

        self.map_model = CoverageMapModel(self)
        self.map_view = HeatMap(self.map_model)
        self.legend = map_legend()
        self.map_view.selectionModel().currentChanged.connect(self._cell_chosen)
        self.map_view.setToolTip("Each cell: how complete that area's notes are, for that motion. Click a cell to list its notes.")

        self.cell_notes = RowsModel(note_columns(), lambda n: n.path, self)
        self.unknowns = RowsModel([
            Column("Not written yet", lambda n: n.title),
            Column("Would be", lambda n: "type not known" if n.type == UNTYPED else n.type),
            Column("Referred to by", lambda n: counted(n.referenced_by, "note")),
            Column("Motion", lambda n: n.motion),
        ], lambda n: f"unwritten:{n.title}", self)
        self.trapped = RowsModel(trapped_columns(), lambda n: n.path, self)
        self.partly_trapped = RowsModel(note_columns(), lambda n: n.path, self)
        self.stale = RowsModel(note_columns(), lambda n: n.path, self)
        self.bus = RowsModel([
            Column("Person", lambda p: p.title),
            Column("If away, orphans", lambda p: counted(p.orphaned, "note")),
            Column("Sole owner of", lambda p: len(p.sole_owner_of), lambda p: "\n".join(p.sole_owner_of)),
            Column("Knowledge in their head", lambda p: len(p.held_in_head), lambda p: "\n".join(p.held_in_head)),
        ], lambda p: p.path, self)

        self.lists = QTabWidget(objectName="coverage-lists")
        self.cell_tab = row_list(self.cell_notes, "cell-notes", self.noteRequested.emit)
        self.lists.addTab(self.cell_tab, "In this cell")
        self.lists.addTab(row_list(self.unknowns, "unknowns", self._unknown_chosen), "Known unknowns")
        self._offer_fixes(self.cell_tab)
        for model, name, title in ((self.trapped, "trapped", "Trapped"), (self.partly_trapped, "partly-trapped", "Partly trapped"),
                                   (self.stale, "stale", "Stale"), (self.bus, "bus-factor", "Bus factor")):
            view = row_list(model, name, self.noteRequested.emit)
            if model is not self.bus:
                self._offer_fixes(view)
            self.lists.addTab(view, title)
        self.lists.setTabToolTip(self.lists.indexOf(self.lists.findChild(QTableView, "trapped")),
                                 "Notes whose knowledge lives only in someone's head, Slack or email: complete or not, nobody else can read them")
        self.charts: dict[str, QWidget] = {}
        self.history: list = []
        for title in CHART_TABS:
            self.lists.addTab(QWidget(), title)
        self.lists.currentChanged.connect(self._make_chart_if_chosen)

        splitter = self.splitter = over_under([(self.headline, 0), (self.subline, 0), (self.map_view, 1), (self.legend, 0)], self.lists, (3, 2))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        splitter.widget(0).installEventFilter(self)

    def hold_room(self) -> None:
        """Keep the room the map's every row needs above the lists: the splitter sizes its parts by their
        minimums, which know nothing of wrapped lines, so the part above says what its lines need at its width."""
        upper = self.splitter.widget(0)
        width = upper.width()
        spacing = upper.layout().spacing()
        needed = sum(max(0, label.heightForWidth(width)) for label in (self.headline, self.subline))
        legend = self.legend.heightForWidth(width)
        needed += self.map_view.minimumHeight() + (legend if legend >= 0 else self.legend.sizeHint().height()) + 3 * spacing
        if needed != upper.minimumHeight():
            upper.setMinimumHeight(needed)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.splitter.widget(0):  # at its new width
            self.hold_room()
        return super().eventFilter(watched, event)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self.hold_room)  # once the labels have their new type

    def set_report(self, report: CoverageReport) -> None:
        self.report = report
        self.map_model.set_report(report)
        t = report.totals()  # the counts the status bar, the command line and agents show too
        self.headline.setText(f"The brain knows {t.overall:.0%} of what an orchestrator needs")
        judged = f" ({t.judged} judged against the blueprint)" if t.unclassified else " judged against the blueprint"
        parts = [f"{counted(t.notes, 'note')}{judged} on {report.today}"]
        parts += [STATES[state].count(n) for state, n in report.counts.items() if n]
        parts += [f"{t.trapped} trapped", f"{t.partly_trapped} partly trapped", counted(t.orphans, "orphan"), counted(t.problems, "problem")]
        if t.empty_areas:
            parts.append(f"{counted(t.empty_areas, 'area')} with none written ({', '.join(a.label for a in report.empty_areas)})")
        self.subline.setText(" · ".join(parts))
        self.hold_room()
        self.unknowns.set_rows(report.known_unknowns)
        self.trapped.set_rows(report.trapped)
        self.partly_trapped.set_rows(report.partly_trapped)
        self.stale.set_rows(report.stale)
        self.bus.set_rows([p for p in report.bus_factor if p.orphaned])
        if "Where it lives" in self.charts:
            self.charts["Where it lives"].set_report(report)
        if self.cell is None and self.map_model.rowCount():
            self.map_view.setCurrentIndex(self.map_model.index(0, 0))
        else:
            self._show_cell()

    def _offer_fixes(self, view) -> None:
        """Right-click a note in a list: fill its gap there and then."""
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        def menu(at) -> None:
            index = view.indexAt(at)
            path = index.data(PATH_ROLE) if index.isValid() else None
            if not path:
                return
            note = view.model().rows[index.row()]
            chooser = QMenu(view)
            chooser.addAction("Read", lambda: self.noteRequested.emit(path))
            chooser.addAction("Edit…", lambda: self.fixRequested.emit("edit", path))
            chooser.addSeparator()
            owner = chooser.addAction("Set Owner…", lambda: self.fixRequested.emit("owner", path))
            owner.setEnabled(not note.owners or "no owner" in note.missing)
            chooser.addAction("Mark Reviewed Today", lambda: self.fixRequested.emit("reviewed", path)).setEnabled(note.stale)
            chooser.exec(view.viewport().mapToGlobal(at))

        view.customContextMenuRequested.connect(menu)

    def _unknown_chosen(self, key: str) -> None:
        """A known unknown, double-clicked: write it (Substrate never writes over a note)."""
        note = next((n for n in self.unknowns.rows if f"unwritten:{n.title}" == key), None)
        if note is not None:
            self.writeRequested.emit(note.title, f"Linked to by {counted(note.referenced_by, 'note')} before anyone wrote it.", note.type)

    def set_history(self, points) -> None:
        self.history = list(points)
        if "Trend" in self.charts:
            self.charts["Trend"].set_history(self.history)

    def _make_chart_if_chosen(self, index: int) -> None:
        title = self.lists.tabText(index)
        if title not in CHART_TABS or title in self.charts:
            return
        from desktop.views.charts import PlacesChart, TrendChart

        chart = self.charts[title] = PlacesChart() if title == "Where it lives" else TrendChart()
        self.lists.blockSignals(True)
        self.lists.removeTab(index)
        self.lists.insertTab(index, chart, title)
        self.lists.setCurrentIndex(index)
        self.lists.blockSignals(False)
        if title == "Trend":
            chart.set_history(self.history)
        elif self.report is not None:
            chart.set_report(self.report)

    def set_highlight(self, paths) -> None:
        self.map_model.set_highlight(paths)
        for model in (self.cell_notes, self.trapped, self.partly_trapped, self.stale):
            model.set_highlight(paths)

    def _cell_chosen(self, current: QModelIndex, _previous=None) -> None:
        self.cell = current.data(CELL_ROLE) if current.isValid() else None
        self._show_cell()
        self.lists.setCurrentWidget(self.cell_tab)

    def _show_cell(self) -> None:
        if self.cell is None:
            self.cell_notes.set_rows([])
            return
        kind, motion = self.cell
        self.cell_notes.set_rows(self.map_model.notes_in(kind, motion))
        label = next((a.label for a in self.report.areas if a.type == kind), kind) if self.report else kind
        motion_word = dict(MAP_COLUMNS)[motion]
        self.lists.setTabText(self.lists.indexOf(self.cell_tab), f"{label} · {motion_word} ({self.cell_notes.rowCount()})")

