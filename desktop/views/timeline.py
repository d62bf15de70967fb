"""The run as a timeline: one row per step, grouped in B2B, B2C and shared lanes, each step a bar
from its start to its end, colored by the conductor's decision; a playhead marks the run's clock."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from store.simulate import LANES, Run, StepRun, format_hours
from store.words import DECISIONS, colour_for, word_for

ROW, LABEL_WIDTH, GAP = 26, 120, 10


class TimelineView(QGraphicsView):
    stepClicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.run: Run | None = None
        self.bars: dict[str, QGraphicsRectItem] = {}
        self._playhead = None
        self._horizon = 1.0
        self._clock: float | None = None
        self._current: str | None = None

    def set_run(self, run: Run | None) -> None:
        self.run = run
        self._draw()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._draw()

    def set_clock(self, hours: float | None, current: str | None) -> None:
        """Show the run as it stands at `hours` (None: before it starts), `current` the step acting."""
        self._clock, self._current = hours, current
        self._paint_state()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # large type in workshop mode: the lanes grow with it
            self._draw()

    def _row(self) -> float:
        return max(ROW, QFontMetricsF(self.font()).height() + 12)

    def _scale(self) -> float:
        width = max(200, self.viewport().width() - LABEL_WIDTH - 2 * GAP)
        return width / self._horizon

    def _draw(self) -> None:
        scene = self.scene()
        scene.clear()
        scene.setFont(self.font())
        row = self._row()
        self.bars, self._playhead = {}, None
        if not self.run or not self.run.steps:
            return
        steps = self.run.steps
        ends = [s.end for s in steps if s.end is not None] + [s.start for s in steps]
        self._horizon = max(ends + [1.0]) * 1.15  # room for blocked bars to run on
        scale, y = self._scale(), 0.0
        palette = self.palette()
        text_color = palette.text().color()
        order = list(LANES.values())  # B2B, B2C, then shared
        for lane in sorted({s.lane for s in steps}, key=lambda lane: order.index(lane) if lane in order else len(order)):
            lane_steps = sorted((s for s in steps if s.lane == lane), key=lambda s: (s.start, s.name))
            label = scene.addSimpleText(lane, self.font())
            label.setBrush(text_color)
            label.setPos(4, y + 4)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            band = scene.addRect(QRectF(0, y, LABEL_WIDTH + self._horizon * scale + GAP, len(lane_steps) * row), QPen(Qt.PenStyle.NoPen),
                                 QBrush(palette.alternateBase().color()))
            band.setZValue(-2)
            for step in lane_steps:
                self.bars[step.name] = self._bar(step, y, scale, text_color, row)
                y += row
            y += 4
        pen = QPen(palette.highlight().color(), 2)
        self._playhead = scene.addLine(0, -4, 0, y + 4, pen)
        self._playhead.setZValue(5)
        scene.setSceneRect(QRectF(0, -6, LABEL_WIDTH + self._horizon * scale + 2 * GAP, y + 12))
        self._paint_state()

    def _bar(self, step: StepRun, y: float, scale: float, text_color: QColor, row: float = ROW) -> QGraphicsRectItem:
        x = LABEL_WIDTH + step.start * scale
        end = step.end if step.end is not None else self._horizon
        rect = QRectF(x, y + 3, max(6.0, (end - step.start) * scale), row - 6)
        bar = _Bar(rect, step.name, self.stepClicked)
        color = QColor(colour_for(DECISIONS, step.decision))
        bar.setBrush(QBrush(color, Qt.BrushStyle.BDiagPattern) if step.end is None else QBrush(color))
        bar.setPen(QPen(color.darker(130), 1))
        bar.setToolTip(_tooltip(step))
        self.scene().addItem(bar)
        name = QGraphicsSimpleTextItem(step.name, bar)
        name.setFont(self.font())
        name.setBrush(text_color)
        name.setPos(x + 4, y + 5)
        name.setZValue(1)
        return bar

    def _paint_state(self) -> None:
        if not self.run or self._playhead is None:
            return
        scale = self._scale()
        clock = self._clock
        self._playhead.setVisible(clock is not None)
        if clock is not None:
            self._playhead.setX(LABEL_WIDTH + clock * scale)
        for step in self.run.steps:
            bar = self.bars.get(step.name)
            if bar is None:
                continue
            started = clock is not None and step.start <= clock
            bar.setOpacity(1.0 if clock is None or started else 0.25)
            color = QColor(colour_for(DECISIONS, step.decision))
            bar.setPen(QPen(self.palette().text().color(), 3) if step.name == self._current else QPen(color.darker(130), 1))


class _Bar(QGraphicsRectItem):
    def __init__(self, rect: QRectF, name: str, clicked):
        super().__init__(rect)
        self.name, self._clicked = name, clicked
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event) -> None:
        self._clicked.emit(self.name)
        event.accept()


def _tooltip(step: StepRun) -> str:
    end = format_hours(step.end) if step.end is not None else "never"
    lines = [f"{step.name} — {word_for(DECISIONS, step.decision)}",
             f"{format_hours(step.start)} → {end}" + (f", waits {format_hours(step.wait)}" if step.wait else "")]
    if step.agent:
        lines.append(f"by {step.agent}")
    lines += [f"• {reason}" for reason in step.reasons]
    return "\n".join(lines)
