"""The brain graph's legend: a strip of keys (a dot of each colour, each shape, each kind of line and
ring) with their words, wrapping onto more rows when the pane is narrow. What each key shows is the
graph view's to say (`GraphView.legend_keys`): the legend only draws it, in the type size in use, so
workshop mode's large type enlarges it too."""

from __future__ import annotations

from dataclasses import dataclass

from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QPainter, QPen, QTransform
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from desktop.views.flow import FlowLayout

LINE = "line"  # a key drawn as a stroke, not a dot


@dataclass(frozen=True)
class Key:
    group: str  # the heading it is listed under: "Colour = coverage"
    name: str  # what it stands for: a state's key, a symbol, "typed", "mention", "run", "selected"
    text: str
    tip: str
    symbol: str  # a pyqtgraph symbol ("o", "s", "star"…) or LINE
    pen: QPen
    brush: QBrush | None  # None: hollow


class KeyView(QWidget):
    """One key: its mark, drawn as the graph draws it (enlarged to the type size), then its words."""

    def __init__(self, key: Key, parent=None):
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"graph-key-{key.name}")
        self.setToolTip(key.tip)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def mark_rect(self) -> QRectF:
        side = self.fontMetrics().height()
        width = side * 2 if self.key.symbol == LINE else side
        return QRectF(1, (self.height() - side) / 2, width, side)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        side = metrics.height()
        mark = side * 2 if self.key.symbol == LINE else side
        return QSize(1 + mark + side // 3 + metrics.horizontalAdvance(self.key.text) + 2, side + 2)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        mark = self.mark_rect()
        pen = QPen(self.key.pen)
        pen.setCosmetic(True)
        if self.key.symbol == LINE:
            pen.setWidthF(max(2.0, pen.widthF()))  # a 1-pixel line this short is lost
            painter.setPen(pen)
            painter.drawLine(QPointF(mark.left(), mark.center().y()), QPointF(mark.right(), mark.center().y()))
        else:
            painter.setPen(pen)
            painter.setBrush(self.key.brush or Qt.BrushStyle.NoBrush)
            size = mark.height() * 0.8
            painter.drawPath(QTransform().translate(mark.center().x(), mark.center().y()).scale(size, size).map(Symbols[self.key.symbol]))
        painter.setPen(self.palette().windowText().color())
        text = QRectF(mark.right() + self.fontMetrics().height() // 3, 0, self.width(), self.height())
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.key.text)


class GraphLegend(QWidget):
    """Keys under their headings, side by side, on as many rows as the width needs."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("graph-legend")
        self.keys: list[Key] = []
        self.views: list[KeyView] = []
        self.flow = FlowLayout(self, spacing=12)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_keys(self, keys: list[Key]) -> None:
        if keys == self.keys:
            return
        self.keys = list(keys)
        while (item := self.flow.takeAt(0)) is not None:
            if item.widget():
                item.widget().deleteLater()
        self.views = []
        group = None
        for key in keys:
            view = KeyView(key)
            self.views.append(view)
            if key.group != group:  # a heading stays on the row of its first key
                group = key.group
                first = QWidget()
                row = QHBoxLayout(first)
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(QLabel(f"<b>{group}:</b>"))
                row.addWidget(view)
                view = first
            self.flow.addWidget(view)
            view.show()  # now, not on the next turn of the event loop (what a layout does on its own)
        self.flow.invalidate()
