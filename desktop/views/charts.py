"""Charts beside the map and the run, drawn with pyqtgraph (imported only when a chart is first
shown: it costs a third of a second at start-up)."""

from __future__ import annotations

import html

import pyqtgraph
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from store import clock
from store.coverage import CoverageReport
from store.history import HistoryPoint
from store.simulate import MonteCarlo, format_hours
from store.words import PLACES, colour_for, counted, score_hex, word_for



def _plot(parent: QWidget, name: str) -> pyqtgraph.PlotWidget:
    plot = pyqtgraph.PlotWidget(parent, objectName=name)
    plot.setBackground(parent.palette().base().color())
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    return plot


class _Chart(QWidget):
    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.plot = _plot(self, name)
        self.caption = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)


def place_word(place: str) -> str:
    """A place as a legend names it: "Slack", "doc", "someone's head" (its word without "a", "this")."""
    return word_for(PLACES, place).removeprefix("a ").removeprefix("this ")


class PlacesBars(QWidget):
    """Per area, a bar of its notes stacked by where each one's knowledge lives; an area with no note reads
    as a gap. Rows keep a line of type each: where the pane is too short for one column of areas, they flow
    into more columns (all on one scale), so labels never overlap and nothing is cut."""

    GAP = "none: a gap"

    def __init__(self, parent=None):
        super().__init__(parent, objectName="where-it-lives-bars")
        self.areas: list[tuple[str, str]] = []  # (type, label) in the blueprint's order
        self.counts: dict[str, dict[str, int]] = {}
        self.places: list[str] = []  # the places drawn, safest first
        self.setMinimumHeight(self.fontMetrics().height() * 3)

    def set_counts(self, areas: list[tuple[str, str]], counts: dict[str, dict[str, int]], places: list[str]) -> None:
        self.areas, self.counts, self.places = areas, counts, places
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 3

    def rows(self) -> list[tuple[str, QRect, QRect]]:
        """Each area's label rectangle and bar room, laid out for the widget's size."""
        if not self.areas:
            return []
        metrics, row = self.fontMetrics(), self._row_height()
        per_column = max(1, self.height() // row)
        columns = -(-len(self.areas) // per_column)
        per_column = -(-len(self.areas) // columns)  # balanced: 14 areas in 2 columns are 7 and 7
        width = self.width() // columns
        label_width = min(max(metrics.horizontalAdvance(label) for _kind, label in self.areas) + 6, width // 2)
        laid = []
        for number, (kind, _label) in enumerate(self.areas):
            column, line = divmod(number, per_column)
            left, top = column * width, line * row
            laid.append((kind, QRect(left, top, label_width - 6, row), QRect(left + label_width, top + 2, width - label_width - 10, row - 4)))
        return laid

    def label_rects(self) -> list[QRect]:
        """Where each area's name is drawn: the text's own extent, inside its label room."""
        metrics, shown = self.fontMetrics(), []
        labels = dict(self.areas)
        for kind, room, _bar in self.rows():
            text = metrics.elidedText(labels[kind], Qt.TextElideMode.ElideRight, room.width())
            width = metrics.horizontalAdvance(text)
            shown.append(QRect(room.right() - width + 1, room.top() + (room.height() - metrics.height()) // 2, width, metrics.height()))
        return shown

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        labels = dict(self.areas)
        most = max([sum(places.values()) for places in self.counts.values()] + [1])
        count_room = metrics.horizontalAdvance(" 000")
        for kind, room, bar in self.rows():
            places = self.counts.get(kind, {})
            total = sum(places.values())
            painter.setPen(QColor(score_hex(0.0)) if not total else self.palette().text().color())
            text = metrics.elidedText(labels[kind], Qt.TextElideMode.ElideRight, room.width())
            painter.drawText(room, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            if not total:  # an area the blueprint asks for, with nothing written: the gap colour, in words
                painter.drawText(bar, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 metrics.elidedText(self.GAP, Qt.TextElideMode.ElideRight, bar.width()))
                continue
            scale = max(1, bar.width() - count_room) / most
            left = float(bar.left())
            for place in self.places:
                width = places.get(place, 0) * scale
                if width:
                    painter.fillRect(QRectF(left, bar.top(), width, bar.height()), QColor(colour_for(PLACES, place)))
                    left += width
            painter.setPen(self.palette().text().color())
            painter.drawText(QRect(round(left) + 3, bar.top(), count_room, bar.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(total))
        painter.end()


class PlacesChart(QWidget):
    """Per area, its notes stacked by where their knowledge lives: the bars count notes, each note once."""

    def __init__(self, parent=None):
        super().__init__(parent, objectName="where-it-lives-chart")
        self.legend = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText, objectName="where-it-lives-legend")
        self.canvas = PlacesBars(self)
        self.caption = QLabel(wordWrap=True)
        self.bars: dict[str, list[int]] = {}  # place -> notes per area, in the areas' order
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.caption)

    def set_report(self, report: CoverageReport) -> None:
        labels = {a.type: a.label for a in report.areas}
        counts = report.notes_by_place()  # each note once: a bar is an area's notes
        areas = [(kind, labels.get(kind, kind)) for kind in counts]
        places = [place for place in [*PLACES, *sorted({p for c in counts.values() for p in c} - set(PLACES))]
                  if any(c.get(place) for c in counts.values())]
        self.bars = {place: [counts[kind].get(place, 0) for kind, _label in areas] for place in places}
        self.canvas.set_counts(areas, counts, places)
        self.legend.setText("Notes at: " + "  ".join(f"<span style='color:{colour_for(PLACES, place)}'>■</span>&nbsp;{html.escape(place_word(place), quote=False)}"
                                                     for place in places))
        self.legend.setToolTip("Each bar counts an area's notes, each note once, at the safest place its knowledge lives.")
        totals = report.totals()  # counted once in store/, as the map's header and the command line count them
        self.caption.setText(f"{counted(totals.trapped, 'note is', 'notes are')} trapped (only in a head, Slack or email), "
                             f"{totals.partly_trapped} partly trapped.")
        self.caption.setToolTip("An orchestrator cannot read what lives only in a head, Slack or email.")


class TrendChart(_Chart):
    """Overall coverage over time, from the snapshots taken as the vault changes."""

    def __init__(self, parent=None):
        super().__init__("trend-chart", parent)
        self.points: list[HistoryPoint] = []
        self.plot.setAxisItems({"bottom": pyqtgraph.DateAxisItem()})
        self.plot.setYRange(0, 100, padding=0.02)
        self.plot.getAxis("left").setLabel("coverage %")

    def set_history(self, points: list[HistoryPoint]) -> None:
        self.points = list(points)
        self.plot.clear()
        if not points:
            self.caption.setText("No history yet: Substrate takes a snapshot of coverage at most once a minute while notes change.")
            return
        xs = [clock.parse_utc(p.taken_at).timestamp() for p in points]
        ys = [p.overall * 100 for p in points]
        self.plot.plot(xs, ys, pen=pyqtgraph.mkPen("#2e8b57", width=2), symbol="o", symbolSize=6, symbolBrush="#2e8b57")
        self.plot.setXRange(min(xs) - 43200, max(xs) + 43200, padding=0.02)  # at least a day wide
        first, last = points[0], points[-1]
        change = (last.overall - first.overall) * 100
        self.caption.setText(f"The substrate compounds: {first.overall:.0%} on {clock.local_day(first.taken_at)}, {last.overall:.0%} now "
                             f"({counted(round(change), 'point', signed=True)} over {counted(len(points), 'snapshot')}).")


class ChancesChart(_Chart):
    """When the run finishes across many simulated runs (Monte Carlo), with the deadline marked."""

    def __init__(self, parent=None):
        super().__init__("chances-chart", parent)
        self.chances: MonteCarlo | None = None
        self.plot.getAxis("bottom").setLabel("days to finish")
        self.plot.getAxis("left").setLabel("runs")

    def set_chances(self, chances: MonteCarlo, label: str) -> None:
        self.chances = chances
        self.plot.clear()
        bins = chances.histogram(20)
        if bins:
            self.plot.addItem(pyqtgraph.BarGraphItem(x0=[low / 24 for low, _high, _n in bins], width=[(high - low) / 24 for low, high, _n in bins],
                                                     height=[n for _low, _high, n in bins], brush="#5b8def", pen=None))
        if chances.deadline_hours:
            self.plot.addItem(pyqtgraph.InfiniteLine(chances.deadline_hours / 24, angle=90, label="deadline",
                                                     pen=pyqtgraph.mkPen("#d64f4f", width=2, style=pyqtgraph.QtCore.Qt.PenStyle.DashLine),
                                                     labelOpts={"position": 0.9, "color": "#d64f4f"}))
        if not chances.finished:
            text = f"{label}: in {chances.runs:,} simulated runs it never finishes."
        else:
            text = (f"{label}: finishes in {chances.finished * 100 // chances.runs}% of {counted(chances.runs, 'run')}; half by "
                    f"{format_hours(chances.percentile(0.5))}, nine in ten by {format_hours(chances.percentile(0.9))}")
            if chances.on_time is not None:
                text += f"; on time in {chances.on_time * 100 // chances.runs}%"
        self.caption.setText(text + ". Each run draws how long people take to answer and whether seams fail.")
