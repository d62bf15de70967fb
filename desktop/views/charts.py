"""Charts beside the map and the run, drawn with pyqtgraph (imported only when a chart is first
shown: it costs a third of a second at start-up)."""

from __future__ import annotations

import pyqtgraph
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from store import clock
from store.coverage import CoverageReport
from store.history import HistoryPoint
from store.simulate import MonteCarlo, format_hours
from store.words import PLACES, counted



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


class PlacesChart(_Chart):
    """Per area, its notes stacked by where their knowledge lives."""

    def __init__(self, parent=None):
        super().__init__("where-it-lives-chart", parent)
        self.bars: dict[str, list[float]] = {}

    def set_report(self, report: CoverageReport) -> None:
        self.plot.clear()
        labels = {a.type: a.label for a in report.areas}
        areas = [(kind, places) for kind, places in report.where_it_lives.items() if places]
        left = [0.0] * len(areas)
        self.bars = {}
        self.plot.addLegend(offset=(-10, 10), labelTextColor=self.palette().text().color())  # bars with a name join it
        for place, term in PLACES.items():
            widths = [float(places.get(place, 0)) for _kind, places in areas]
            if not any(widths):
                continue
            bar = pyqtgraph.BarGraphItem(x0=left, y=list(range(len(areas))), height=0.7, width=widths, brush=term.colour, pen=None, name=place)
            self.plot.addItem(bar)
            self.bars[place] = widths
            left = [a + b for a, b in zip(left, widths)]
        axis = self.plot.getAxis("left")
        axis.setTicks([[(i, labels.get(kind, kind)) for i, (kind, _places) in enumerate(areas)]])
        self.plot.getAxis("bottom").setLabel("notes")
        self.plot.setYRange(-0.6, len(areas) - 0.4, padding=0)
        self.plot.setXRange(0, max(left or [1]) * 1.3, padding=0)
        totals = report.totals()  # counted once in store/, as the map's header and the command line count them
        self.caption.setText(f"Where each area's knowledge lives today. {counted(totals.trapped, 'note is', 'notes are')} trapped (they live only in a head, "
                             f"Slack or email) and {totals.partly_trapped} partly trapped: an orchestrator cannot read those parts.")


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
