"""The run as a timeline: one row per step, grouped in B2B, B2C and shared lanes, against a time axis in
days with the program's deadline. Before Play it shows the plan (each step outlined where it would run if
everything proceeded); as the clock moves, each step's bar appears in its decision's colour when it starts
and grows to the "now" line, a wait or a block says why beside its bar, and the end says how late it is.

Everything is laid out once per run, size or font (`_draw`); a tick of the clock only moves the now line,
resizes the bars that are running and shows what has happened (`_paint_state`)."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from store.runs import same_outcome, was_words
from store.simulate import Event, Run, StepRun, callout_words, format_hours, lanes_of, late_words, outcome_words, planned
from store.words import DECISIONS, TIMING, colour_for, word_for

GAP = 8  # between columns, and at the view's edges
ROOMY, TIGHT = 8, 3  # padding around a row's text: as it fits, and when the pane is short
MIN_SHRINK = 0.45  # the least a short pane scales the timeline down to fit
CALLOUT_LINES, CALLOUT_LINES_WHEN_SHORT = 3, 1  # the lines a callout under its bar wraps onto: with room below, and without
GLIDE_MS = 350  # the longest glide of the now line from one event to the next
TICKS_HOURS = (1, 2, 3, 6, 12, 24, 48, 120, 168, 336, 720, 1440, 2160, 4320, 8760)  # 1h … 2d, 5d, 1w, 2w, 30d … 1y


class TimelineView(QGraphicsView):
    stepClicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it is fitted to the width
        self.run: Run | None = None
        self.was: Run | None = None  # the run before the last change that moved its end: a faint marker at its finish
        self.plan: dict[str, tuple[float, float]] = {}
        self.bars: dict[str, _Bar] = {}  # the outcome, shown as the clock reaches each step
        self.outlines: dict[str, _Outline] = {}  # the plan
        self.names: dict[str, QGraphicsSimpleTextItem] = {}  # each step's name, in the column left of the bars
        self.lanes: list[QGraphicsSimpleTextItem] = []
        self.callouts: dict[str, _Callout] = {}  # why a step waits or is blocked, by step
        self.ticks: list[QGraphicsSimpleTextItem] = []
        self._grid: list = []  # a faint line down the rows at each tick
        self.legend: dict[str, QGraphicsSimpleTextItem] = {}  # by what it explains: plan, a decision, deadline
        self.deadline_line = self.deadline_label = None
        self.end_line = self.end_label = None
        self.was_line = self.was_label = None
        self.plan_label = None
        self._playhead = None
        self._horizon, self._x0, self._scale = 1.0, 0.0, 1.0
        self._clock: float | None = None
        self._shown_clock: float | None = None  # where the now line is drawn, gliding towards `_clock`
        self._current: str | None = None
        self._ghosts: bool | None = None  # whether the plan's outlines are drawn as ghosts
        self._last = 0.0  # when the run's last event happens
        self._since = QElapsedTimer()
        self.glide = QVariantAnimation(self)
        self.glide.valueChanged.connect(self._glide_to)

    def set_run(self, run: Run | None, was: Run | None = None) -> None:
        """Show `run`; `was`, how it went before a change (a fix assumed, a note written), leaves a faint
        marker where it finished, beside the new end."""
        self.run, self.was = run, was
        self.plan = planned(run.program) if run else {}
        self._draw()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._draw()

    def set_clock(self, hours: float | None, current: str | None) -> None:
        """Show the run as it stands at `hours` (None: before it starts, the plan), `current` the step acting."""
        was = self._shown_clock
        self._clock, self._current = hours, current
        self.glide.stop()
        elapsed = self._since.restart() if self._since.isValid() else GLIDE_MS  # a glide as long as the last pause, at most GLIDE_MS
        if not self._since.isValid():
            self._since.start()
        if hours is None or was is None or hours <= was or not self.isVisible():
            self._paint_state(hours)
            return
        self._paint_state(was)  # what happened shows now; the now line and the running bars glide to it
        self.glide.setDuration(max(1, min(GLIDE_MS, int(elapsed * 0.8))))
        self.glide.setStartValue(float(was))
        self.glide.setEndValue(float(hours))
        self.glide.start()

    def _glide_to(self, hours) -> None:
        self._paint_state(float(hours))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # large type in workshop mode: the rows grow with it
            self._draw()

    # --- layout, once per run, size or font --------------------------------------------------------

    def _x(self, hours: float) -> float:
        return self._x0 + hours * self._scale

    def _draw(self) -> None:
        """Lay the run out to the viewport's width; when it is taller than the viewport (large type, a
        short pane), first with tighter rows, then laid out wider and scaled down to fit, so nothing is
        ever cut off and the type stays as large as the room allows."""
        self.glide.stop()
        self.resetTransform()
        width, height = float(self.viewport().width()), float(self.viewport().height())
        tall = self._lay_out(width, ROOMY)
        if tall > height > 40:
            tall = self._lay_out(width, TIGHT)
        shrink = 1.0
        for _ in range(3):  # a wider layout may need fewer lines (callouts fit beside their bars): fit again
            if tall * shrink <= height + 0.5 or height <= 40 or shrink <= MIN_SHRINK:
                break
            shrink = max(MIN_SHRINK, min(shrink, height / tall) * 0.995)
            tall = self._lay_out(width / shrink, TIGHT)
        if tall * shrink > height + 0.5 and height > 40:  # no room below for callouts on several lines: one line each, cut
            self._lay_out(width / shrink, TIGHT, CALLOUT_LINES_WHEN_SHORT)
        if shrink < 1.0:
            self.setTransform(QTransform.fromScale(shrink, shrink))
        self._shown_clock = None
        self._paint_state(self._clock)

    def _lay_out(self, width: float, padding: float, callout_lines: int = CALLOUT_LINES) -> float:
        """Everything but what the clock changes, `width` wide, `padding` around each row's text, a callout
        under its bar wrapped onto at most `callout_lines`; returns the height it takes."""
        self._callout_lines = callout_lines
        scene = self.scene()
        scene.clear()
        font = self.font()
        scene.setFont(font)
        self.bars, self.outlines, self.names, self.callouts, self.ticks, self.legend, self.lanes = {}, {}, {}, {}, [], {}, []
        self.deadline_line = self.deadline_label = self.end_line = self.end_label = self.plan_label = self._playhead = None
        self.was_line = self.was_label = None
        self._ghosts = None
        if not self.run or not self.run.steps:
            scene.setSceneRect(QRectF(0, 0, 1, 1))
            return 0.0
        self._last = max((e.hours for e in self.run.events), default=0.0)
        run, palette = self.run, self.palette()
        text_colour = palette.text().color()
        metrics = QFontMetricsF(font)
        line = metrics.height()
        bold = QFont(font)
        bold.setBold(True)
        width = max(240.0, width)
        right = width - GAP

        y = self._draw_legend(2.0, right, text_colour, line)
        axis_y = y + 2
        lanes = lanes_of(run)
        lane_width = max(QFontMetricsF(bold).horizontalAdvance(lane) for lane in lanes) + GAP
        widest = max(metrics.horizontalAdvance(s.name) for s in run.steps) + GAP
        name_width = min(widest, max(60.0, width * 0.28))
        self._x0 = GAP + lane_width + name_width + GAP
        ends = [end for _start, end in self.plan.values()] + [s.end for s in run.steps if s.end is not None]
        ends += [s.start for s in run.steps] + [run.program.deadline_hours or 0.0, 1.0]
        ends += [self.was.hours] if self.was is not None and self.was.finished else []  # the old end stays in view
        self._horizon = max(ends) * 1.04
        self._scale = max(1.0, right - self._x0) / self._horizon
        self._draw_axis(axis_y, right, text_colour, line)

        row = line + padding
        y = axis_y + line + 6
        top = y
        plan_pen = _plan_pen(text_colour)
        for number, lane in enumerate(lanes):
            lane_steps = sorted((s for s in run.steps if s.lane == lane), key=lambda s: (self.plan.get(s.name, (s.start,))[0], s.start, s.name))
            band = scene.addRect(QRectF(0, y, width, 0), QPen(Qt.PenStyle.NoPen),
                                 QBrush(palette.alternateBase().color() if number % 2 == 0 else palette.base().color()))
            band.setZValue(-3)
            label = scene.addSimpleText(lane, bold)
            label.setBrush(text_colour)
            label.setPos(GAP, y + (row - line) / 2)
            self.lanes.append(label)
            first = y
            for step in lane_steps:
                y += self._draw_step(step, y, row, line, name_width, right, text_colour, plan_pen)
            band.setRect(QRectF(0, first, width, y - first))
        bottom = y
        for tick in self._grid:
            tick.setLine(tick.line().x1(), top, tick.line().x1(), bottom)
        self._draw_deadline(axis_y, top, bottom, right, line, text_colour)
        self._draw_ends(bottom + 2, right, line, text_colour)
        below = self._draw_was(axis_y + line, bottom, right, line, text_colour)
        self._playhead = scene.addLine(0, axis_y + line, 0, bottom, QPen(palette.highlight().color(), 2))
        self._playhead.setZValue(6)
        scene.setSceneRect(QRectF(0, 0, width, below + line + 6))
        return below + line + 6

    def _draw_legend(self, y: float, right: float, text_colour: QColor, line: float) -> float:
        """What the outlines, colours and lines mean, in a strip that wraps to the width; returns its bottom."""
        swatch = line * 0.9
        entries: list[tuple[str, str, object]] = [("plan", "plan", _plan_pen(text_colour))]
        entries += [(key, term.one, QColor(term.colour)) for key, term in DECISIONS.items()]
        if self.run.program.deadline_hours is not None:
            entries.append(("deadline", "deadline", _deadline_pen(text_colour)))
        entries.append(("now", "now", QPen(self.palette().highlight().color(), 2)))
        x = GAP
        for key, words, look in entries:
            label = self.scene().addSimpleText(words, self.font())
            label.setBrush(text_colour)
            needed = swatch + 4 + label.boundingRect().width() + 2 * GAP
            if x > GAP and x + needed - GAP > right:
                x, y = GAP, y + line + 2
            box = QRectF(x, y + (line - swatch) / 2, swatch * 1.6, swatch)
            if key in ("deadline", "now"):  # drawn as they are on the timeline: a line down
                self.scene().addLine(x + box.width() / 2, y, x + box.width() / 2, y + line, look)
            elif isinstance(look, QPen):
                self.scene().addRect(box, look)
            else:
                pattern = Qt.BrushStyle.BDiagPattern if key == "blocked" else Qt.BrushStyle.SolidPattern
                self.scene().addRect(box, QPen(look.darker(130), 1), QBrush(look, pattern))
            label.setPos(x + box.width() + 4, y)
            self.legend[key] = label
            x += box.width() + 4 + label.boundingRect().width() + 2 * GAP
        return y + line

    def _draw_axis(self, y: float, right: float, text_colour: QColor, line: float) -> None:
        """Ticks in days (hours for a short run), as many as the width holds."""
        metrics = QFontMetricsF(self.font())
        room = metrics.horizontalAdvance(format_hours(self._horizon)) * 2.2
        step = next((h for h in TICKS_HOURS if h * self._scale >= room), TICKS_HOURS[-1])
        grid = QColor(text_colour)
        grid.setAlpha(40)
        self._grid = []
        hours = 0.0
        while hours <= self._horizon:
            x = self._x(hours)
            label = self.scene().addSimpleText(format_hours(hours) if hours else "0d" if step >= 24 else "0h", self.font())
            label.setBrush(text_colour)
            label.setPos(min(max(self._x0, x - label.boundingRect().width() / 2), right - label.boundingRect().width()), y)
            self.ticks.append(label)
            self._grid.append(self.scene().addLine(x, y + line, x, y + line, QPen(grid, 1)))
            hours += step

    def _draw_step(self, step: StepRun, y: float, row: float, line: float, name_width: float, right: float,
                   text_colour: QColor, plan_pen: QPen) -> float:
        """The step's name, its plan, its bar and why it waits or blocks; returns the height of its row."""
        metrics = QFontMetricsF(self.font())
        name = self.scene().addSimpleText(metrics.elidedText(step.name, Qt.TextElideMode.ElideRight, name_width - GAP), self.font())
        name.setBrush(text_colour)
        name.setPos(self._x0 - GAP - name_width, y + (row - line) / 2)
        name.setToolTip(step.name)
        self.names[step.name] = name
        box = QRectF(0, y + 3, 0, row - 6)
        if step.name in self.plan:
            start, end = self.plan[step.name]
            outline = _Outline(QRectF(self._x(start), box.y(), max(4.0, (end - start) * self._scale), box.height()), step.name, self.stepClicked)
            outline.setPen(plan_pen)
            outline.setToolTip(f"{step.name}: planned {format_hours(start)} → {format_hours(end)}, if everything proceeds")
            outline.setZValue(1)
            self.scene().addItem(outline)
            self.outlines[step.name] = outline
        bar = _Bar(box, step.name, self.stepClicked)
        colour = QColor(colour_for(DECISIONS, step.decision))
        bar.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern) if step.end is None else QBrush(colour))
        bar.edge_pen, bar.current_pen = QPen(colour.darker(130), 1), QPen(text_colour, 3)
        bar.setPen(bar.edge_pen)
        bar.setToolTip(_tooltip(step, self.plan.get(step.name)))
        bar.setZValue(2)
        bar.top, bar.height_ = box.y(), box.height()
        self.scene().addItem(bar)
        self.bars[step.name] = bar
        said = [e for e in self.run.events if e.step == step.name and callout_words(e)]
        return self._draw_callout(step, said, box, row, right, line, text_colour, name.x()) if said else row

    def _draw_callout(self, step: StepRun, said: list[Event], box: QRectF, row: float, right: float, line: float,
                      text_colour: QColor, column: float) -> float:
        """Why the step waits or is blocked: in its row beside the bar (on it, for a blocked bar that runs
        to the edge) when the words fit there, else under the bar, wrapped onto as many lines as the room
        below allows (`_callout_lines`) and cut with "…" only past them. Returns the height of the step's row."""
        words = callout_words(said[0]) + (f" (and {len(said) - 1} more)" if len(said) > 1 else "")
        metrics = QFontMetricsF(self.font())
        needed = metrics.horizontalAdvance(words) + 8 + 8
        start = self._x(step.start)
        end = right if step.end is None else self._x(step.end)
        after = (start + 6, right - 4) if step.end is None else (end + 6, right - 2)
        before = (self._x0 + 2, start - 6)
        spans = [span for span in (after, before) if span[1] - span[0] >= needed]
        if spans:  # in the row: after the bar when it fits, else before it
            left, limit = spans[0]
            y, height = box.y(), box.height()
            shown = words
        else:  # lines of their own under the bar, from the bar's start, or further left as the words need
            limit = right - 2
            lines = _wrapped(words, metrics, max(0.0, limit - column - 16), self._callout_lines)
            left = max(column, min(start, limit - max(metrics.horizontalAdvance(text) for text in lines) - 16))
            shown = "\n".join(lines)
            y, height = box.bottom() + 2, line * len(lines) + 2
            row += height + 2
        callout = _Callout(shown, words, "\n".join(callout_words(e) for e in said), self.font(), text_colour, self.palette().base().color(),
                           QColor(colour_for(DECISIONS, step.decision)))
        x = left if not spans or spans[0] is after else limit - callout.rect().width()
        callout.setPos(x, y + (height - callout.rect().height()) / 2)
        callout.setZValue(7)  # above the now and deadline lines: its words are never struck through
        self.scene().addItem(callout)
        self.callouts[step.name] = callout
        return row

    def _draw_deadline(self, axis_y: float, top: float, bottom: float, right: float, line: float, text_colour: QColor) -> None:
        deadline = self.run.program.deadline_hours
        if deadline is None:
            return
        x = self._x(deadline)
        self.deadline_line = self.scene().addLine(x, axis_y + line, x, bottom, _deadline_pen(text_colour))
        self.deadline_line.setZValue(3)
        label = self.scene().addSimpleText(f"deadline {format_hours(deadline)}", self.font())
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setBrush(text_colour)
        width = label.boundingRect().width()
        left = min(max(self._x0, x - width / 2), right - width)
        label.setPos(left, axis_y)
        self.deadline_label = label
        for tick in self.ticks:  # the deadline's words take the place of the ticks they would cover
            if tick.sceneBoundingRect().intersects(label.sceneBoundingRect().adjusted(-4, 0, 4, 0)):
                tick.setVisible(False)

    def _draw_ends(self, y: float, right: float, line: float, text_colour: QColor) -> None:
        """Where the plan would end, shown before Play; where the run ends (or that it never does), shown at the end."""
        run, deadline = self.run, self.run.program.deadline_hours
        if self.plan:
            end = max(end for _start, end in self.plan.values())
            late = late_words(end, deadline)
            self.plan_label = self._marker_words(f"plan: done in {format_hours(end)}" + (f" · {late}" if late else ""), end, y, right, text_colour)
        if run.finished:
            late = late_words(run.hours, deadline)
            colour = QColor(colour_for(TIMING, "late" if late.endswith("late") else "on_time") if late else text_colour)
            self.end_label = self._marker_words(f"finishes {format_hours(run.hours)}" + (f" · {late}" if late else ""), run.hours, y, right, colour)
            x = self._x(run.hours)
            self.end_line = self.scene().addLine(x, y - 2, x, y + line, QPen(colour, 3))
        else:
            self.end_label = self._marker_words(outcome_words(run), None, y, right, QColor(colour_for(DECISIONS, "blocked")))

    def _draw_was(self, top: float, bottom: float, right: float, line: float, text_colour: QColor) -> float:
        """How the run ended before the last change, faint: a dotted line down the rows where it finished,
        and its words in the end's row beside that line (or at the left, when it never finished) where
        they leave the new end's words clear, else on a row under it. Returns where the last row of words starts."""
        was = self.was
        if was is None or same_outcome(self.run, was):
            return bottom
        faint = QColor(text_colour)
        faint.setAlpha(110)
        label = self.scene().addSimpleText(was_words(was), self.font())
        label.setBrush(faint)
        self.was_label = label
        width = label.boundingRect().width()
        x = self._x(was.hours) if was.finished else None
        lefts = (x + 6, x - 6 - width) if x is not None else (GAP,)
        taken = self.end_label.sceneBoundingRect().adjusted(-GAP, 0, GAP, 0) if self.end_label is not None else QRectF()
        spots = [(left, y) for y in (bottom + 2, bottom + line + 4) for left in lefts]
        left, y = next(((left, y) for left, y in spots if left >= GAP and left + width <= right
                        and not QRectF(left, y, width, line).intersects(taken)), (GAP, bottom + line + 4))
        label.setPos(left, y)
        if x is not None:
            self.was_line = self.scene().addLine(x, top, x, bottom, QPen(faint, 2, Qt.PenStyle.DotLine))  # never through the end's words
            self.was_line.setZValue(4)
        return y - 2

    def _marker_words(self, words: str, hours: float | None, y: float, right: float, colour: QColor) -> QGraphicsSimpleTextItem:
        label = self.scene().addSimpleText(words, self.font())
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setBrush(colour)
        metrics = QFontMetricsF(font)
        room = right - GAP
        if label.boundingRect().width() > room:
            label.setText(metrics.elidedText(words, Qt.TextElideMode.ElideRight, room))
            label.setToolTip(words)
        width = label.boundingRect().width()
        if hours is None:
            x = GAP
        elif self._x(hours) + 8 + width <= right:  # after its line, else before it
            x = self._x(hours) + 8
        else:
            x = max(GAP, self._x(hours) - 8 - width)
        label.setPos(x, y)
        return label

    # --- state, on every tick of the clock -------------------------------------------------------------

    def _paint_state(self, clock: float | None) -> None:
        if not self.run or self._playhead is None:
            return
        self._shown_clock = clock
        self._playhead.setVisible(clock is not None)
        if clock is not None:
            self._playhead.setX(self._x(clock))
        right = self.scene().sceneRect().width() - GAP
        done = clock is not None and clock >= self._last
        for step in self.run.steps:  # each item is touched only when what it shows changes (a glide repaints often)
            bar = self.bars[step.name]
            started = clock is not None and step.start <= clock
            current = started and step.name == self._current
            end = (right if step.end is None else self._x(min(step.end, clock))) if started else 0.0
            shown = (started, current, round(end, 1))
            if bar.shown == shown:
                continue
            bar.shown = shown
            bar.setVisible(started)
            if started:
                bar.setRect(QRectF(self._x(step.start), bar.top, max(4.0, end - self._x(step.start)), bar.height_))
            bar.setPen(bar.current_pen if current else bar.edge_pen)
            callout = self.callouts.get(step.name)
            if callout is not None:
                callout.setVisible(started)
                callout.set_current(current)
        if self._ghosts != (clock is not None):
            self._ghosts = clock is not None
            for outline in self.outlines.values():
                outline.set_ghost(self._ghosts)
        if self.plan_label is not None:
            self.plan_label.setVisible(clock is None)
        if self.end_label is not None:
            self.end_label.setVisible(done)
        if self.end_line is not None:
            self.end_line.setVisible(done)
        for item in (self.was_line, self.was_label):
            if item is not None:
                item.setVisible(done)


class _Clickable(QGraphicsRectItem):
    def __init__(self, rect: QRectF, name: str, clicked):
        super().__init__(rect)
        self.name, self._clicked = name, clicked
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event) -> None:
        self._clicked.emit(self.name)
        event.accept()


class _Bar(_Clickable):
    """A step as it happens: from its start to the now line, or to its end; to the edge when it is blocked."""

    top = height_ = 0.0
    edge_pen = current_pen = None
    shown: tuple | None = None  # (started, current, where it ends) as last drawn


class _Outline(_Clickable):
    """A step as planned: outlined, never filled; a faint dashed ghost once the run is playing."""

    def set_ghost(self, ghost: bool) -> None:
        pen = self.pen()
        pen.setStyle(Qt.PenStyle.DashLine if ghost else Qt.PenStyle.SolidLine)
        self.setPen(pen)
        self.setOpacity(0.55 if ghost else 1.0)


class _Callout(QGraphicsRectItem):
    """A wait's or a block's words on a chip of the view's base colour, edged in the decision's colour."""

    def __init__(self, shown: str, words: str, tip: str, font: QFont, text_colour: QColor, base: QColor, edge: QColor):
        super().__init__()
        self.words = words
        self.text = QGraphicsSimpleTextItem(shown, self)
        self.text.setFont(font)
        self.text.setBrush(text_colour)
        self.text.setPos(4, 1)
        size = self.text.boundingRect()
        self.setRect(QRectF(0, 0, size.width() + 8, size.height() + 2))
        base = QColor(base)
        base.setAlpha(235)
        self.setBrush(QBrush(base))
        self._edge = edge
        self.set_current(False)
        self.setToolTip(tip)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)

    def set_current(self, current: bool) -> None:
        self.setPen(QPen(self._edge, 2.5 if current else 1.2))


def _wrapped(words: str, metrics: QFontMetricsF, width: float, most: int) -> list[str]:
    """`words` broken at spaces into lines `width` wide, at most `most` of them; what does not fit on
    the last is cut with "…" (and so is a word longer than a whole line)."""
    lines: list[str] = []
    for word in words.split(" "):
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most - 1] + [" ".join(lines[most - 1:])]
    return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width) for text in lines]


def _plan_pen(text_colour: QColor) -> QPen:
    colour = QColor(text_colour)
    colour.setAlpha(170)
    return QPen(colour, 1.5)


def _deadline_pen(text_colour: QColor) -> QPen:
    pen = QPen(text_colour, 2)
    pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _tooltip(step: StepRun, plan: tuple[float, float] | None) -> str:
    end = format_hours(step.end) if step.end is not None else "never"
    lines = [f"{step.name} — {word_for(DECISIONS, step.decision)}",
             f"{format_hours(step.start)} → {end}" + (f", waits {format_hours(step.wait)}" if step.wait else "")]
    if plan is not None:
        lines.append(f"planned {format_hours(plan[0])} → {format_hours(plan[1])}")
    if step.agent:
        lines.append(f"by {step.agent}")
    lines += [f"• {reason}" for reason in step.reasons]
    return "\n".join(lines)
