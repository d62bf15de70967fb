"""The simulated run beside the map: choose a program, play or step through what the conductor
does, see why each step proceeds, assumes, escalates or blocks, and what to write first."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QStyle, QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from desktop.models.coverage import Column, RowsModel
from desktop.views.tables import fill_choices, over_under, row_list
from desktop.views.timeline import TimelineView
from store.display import printable
from store.runs import RunResult, compared_words, plan_words, same_outcome, stopped_words
from store.simulate import (
    Event, GapImpact, Impact, MonteCarlo, Run, Scenario, format_hours, gap_effect_words, outcome_words,
)
from store.words import DECISIONS, counted
from store.simulate import LANES, callout_words, lanes_of  # the timeline's words: lanes, and a wait or a block in a few words
from store.words import listed

SPEEDS = (("½×", 900), ("1×", 450), ("2×", 220), ("4×", 110))  # milliseconds between events
EVENT_WORDS = {"start": "starts", "escalate": "asks a person", "assume": "assumes", "resume": "resumes", "finish": "finishes", "block": "blocked"}
NOBODY = ""


class GapsModel(RowsModel):
    """The gap-impact list, most valuable first; the first column's box assumes the gap fixed."""

    fixedChanged = Signal()

    def __init__(self, parent=None):
        super().__init__([
            Column("Fixed?", lambda g: ""),
            Column("Fix", lambda g: g.action, lambda g: gap_effect_words(g)),
            Column("Unblocks", lambda g: g.unblocks or ""),
            Column("Saves", lambda g: format_hours(g.hours_saved) if g.hours_saved else ""),
            Column("Confidence", lambda g: f"+{g.confidence_gain * 100:.0f}%" if g.confidence_gain > 0 else ""),
        ], lambda g: g.path or g.key, parent)  # "unwritten:<name>" for a note nobody has written
        self.fixed: set[str] = set()

    def flags(self, index):
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == 0:
            return Qt.CheckState.Checked if self.rows[index.row()].key in self.fixed else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        key = self.rows[index.row()].key
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.fixed.add(key)
        else:
            self.fixed.discard(key)
        self.dataChanged.emit(index, index, [role])
        self.fixedChanged.emit()
        return True


class RunPanel(QWidget):
    runRequested = Signal(str, object)  # program path, Scenario
    noteRequested = Signal(str)
    writeRequested = Signal(str, str)  # the title of a note nobody has written yet, why it is needed
    highlightChanged = Signal(tuple)  # paths of the notes the current event reads

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: RunResult | None = None
        self.impact: Impact | None = None  # what to fix first, for `result`
        self.was: Run | None = None  # how the program's run went before the last change that moved its end
        self.position = 0  # events shown so far
        self._timer = QTimer(self, timeout=self.step)
        self._build()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.program_box = QComboBox(objectName="program")
        self.program_box.setToolTip("The program the conductor runs on the brain's context")
        self.program_box.currentIndexChanged.connect(lambda _i: self.request())
        self.play_button = self._button("Play", self.toggle_play, "Play or pause the run, event by event (Space)", checkable=True)
        # Drawn by the style, not a font: the fonts that ship have no pause sign (it showed as an empty box).
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.step_button = self._button("Step ›", self.step, "Show the next event (→)")
        self.reset_button = self._button("↺ Reset", self.reset, "Back to the start of the run")
        self.speed_box = QComboBox(objectName="speed")
        for label, _ms in SPEEDS:
            self.speed_box.addItem(label)
        self.speed_box.setCurrentIndex(1)
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        self.speed_box.setToolTip("How fast the run plays")
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Program"))
        controls.addWidget(self.program_box, 1)
        for widget in (self.play_button, self.step_button, self.reset_button, self.speed_box):
            controls.addWidget(widget)

        self.summary = _Header(objectName="run-summary", wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.clock_label = QLabel(objectName="run-clock", wordWrap=True)
        self.clock_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Two lines whatever each event says: a label that grows would re-lay the timeline out on every step.
        self.clock_label.setFixedHeight(self.clock_label.fontMetrics().lineSpacing() * 2 + 4)
        self.timeline = TimelineView()
        self.timeline.setObjectName("timeline")
        self.timeline.setMinimumHeight(140)
        self.timeline.stepClicked.connect(self._step_clicked)

        self.events = RowsModel([
            Column("Time", lambda e: format_hours(e.hours)),
            Column("Step", lambda e: e.step),
            Column("What", lambda e: EVENT_WORDS.get(e.kind, e.kind)),
            Column("Why", lambda e: e.text, lambda e: e.text),
        ], lambda e: e.notes[0] if e.notes else None, self)
        self.event_list = row_list(self.events, "events", self.noteRequested.emit)
        self.gaps = GapsModel(self)
        self.gaps.fixedChanged.connect(self.request)
        self.gap_list = row_list(self.gaps, "gaps", self._gap_chosen)
        header = self.gap_list.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(self.gaps.columnCount()):  # the figures always fit; the fix's name takes what is left, elided
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 1 else QHeaderView.ResizeMode.ResizeToContents)
        self.gap_list.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.absent_box = QComboBox(objectName="absent")
        self.down_box = QComboBox(objectName="down")
        for box in (self.absent_box, self.down_box):
            box.currentIndexChanged.connect(lambda _i: self.request())
        self.what_if = QLabel(objectName="what-if", wordWrap=True)
        self.what_if.setTextFormat(Qt.TextFormat.PlainText)
        toggles = QHBoxLayout()
        toggles.addWidget(QLabel("Away"))
        toggles.addWidget(self.absent_box, 1)
        toggles.addWidget(QLabel("Down"))
        toggles.addWidget(self.down_box, 1)
        fixes = QWidget()
        fixes_layout = QVBoxLayout(fixes)
        fixes_layout.setContentsMargins(0, 4, 0, 0)
        fixes_layout.addLayout(toggles)
        fixes_layout.addWidget(self.what_if)
        fixes_layout.addWidget(self.gap_list, 1)

        self.tabs = QTabWidget(objectName="run-tabs")
        self.tabs.addTab(fixes, "Fix first · what if")
        self.tabs.addTab(self.event_list, "Event log")
        self.chances: tuple[MonteCarlo, str] | None = None
        self.chances_chart = None  # made when its tab is first shown (pyqtgraph)
        self.tabs.addTab(QWidget(), "Chances")
        self.tabs.currentChanged.connect(self._make_chart_if_chosen)

        splitter = self.splitter = over_under([(self.summary, 0), (self.timeline, 1), (self.clock_label, 0)], self.tabs, ratio=(3, 2))  # the timeline is the story: it gets the room
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)
        self._set_enabled(False)

    def _button(self, text: str, slot, tip: str, checkable: bool = False) -> QToolButton:
        button = QToolButton(text=text, checkable=checkable, toolTip=tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        (button.toggled if checkable else button.clicked).connect(lambda *_: slot())
        return button

    def set_programs(self, programs: list[tuple[str, str]], preferred: str | None = None) -> None:
        """(path, title) of every program; keeps the chosen one when it is still there, else `preferred`."""
        chosen = self.program_box.currentData() or preferred
        programs = [(path, printable(title)) for path, title in programs]  # a title may hold any character
        if [(self.program_box.itemData(i), self.program_box.itemText(i)) for i in range(self.program_box.count())] == programs:
            return
        self.program_box.blockSignals(True)
        self.program_box.clear()
        for path, title in programs:
            self.program_box.addItem(title, path)
        at = self.program_box.findData(chosen)
        self.program_box.setCurrentIndex(at if at >= 0 else (0 if programs else -1))
        self.program_box.blockSignals(False)
        if self.result is None or self.result.program != self.program_box.currentData():
            self.request()

    def scenario(self) -> Scenario:
        absent, down = self.absent_box.currentData(), self.down_box.currentData()
        return Scenario(frozenset(self.gaps.fixed), frozenset({absent} if absent else ()), frozenset({down} if down else ()))

    def request(self) -> None:
        """Ask for the chosen program to be run again (on a change of program, what-if or notes)."""
        program = self.program_box.currentData()
        if program:
            self.runRequested.emit(program, self.scenario())

    def show_result(self, result: RunResult) -> None:
        if result.program != self.program_box.currentData():
            return  # an answer for a program no longer chosen
        written = (self.gaps.fixed & result.scenario.assume_fixed) - _still_weak(result)
        if written:  # ticked, then written for real: no longer a what-if; show the note's own effect
            self.gaps.fixed -= written
            self.request()
        previous = self.result if self.result is not None and self.result.program == result.program else None
        same_run = previous is not None and previous.run.events == result.run.events
        # A what-if, or a change while the end is on show, is answered with the new end, beside the old one.
        show_end = previous is not None and not same_run and (
            previous.scenario != result.scenario or self.position >= len(previous.run.events) > 0)
        if previous is None:
            self.was = None
        elif not same_outcome(result.run, previous.run):
            self.was = previous.run
        self.result = result
        fill_choices(self.absent_box, [(NOBODY, "— nobody —"), *result.people])
        fill_choices(self.down_box, [(NOBODY, "— none —"), *result.systems])
        self.impact, self.chances = None, None
        self.timeline.set_run(result.run, self.was)
        self.what_if.setText(_what_if(result))
        self._set_enabled(True)
        self.position = min(self.position, len(result.run.events)) if same_run else len(result.run.events) if show_end else 0
        self._show_position()

    def show_impact(self, result: RunResult, impact: Impact) -> None:
        """What to fix first, once worked out for the run on show."""
        if result is not self.result:
            return
        self.impact = impact
        self.gaps.fixed &= {g.key for g in impact.gaps} | set(result.scenario.assume_fixed)
        self.gaps.set_rows(_with_assumed(impact.gaps, result.scenario, {g.key: g for g in self.gaps.rows}))
        self._show_summary()

    def _gap_chosen(self, key: str) -> None:
        """Open the gap's note, or have it written when nobody has yet."""
        if not key.startswith("unwritten:"):
            self.noteRequested.emit(key)
            return
        gap = next((g for g in self.gaps.rows if g.key == key), None)
        if gap is not None:
            steps = ", ".join(gap.steps)
            self.writeRequested.emit(gap.title, f"Needed by {steps} ({self.result.simulation.program.title})." if steps else "")

    def show_chances(self, result: RunResult, found: MonteCarlo, label: str) -> None:
        if result is not self.result:
            return
        self.chances = (found, label)
        if self.chances_chart is not None:
            self.chances_chart.set_chances(found, label)

    def make_room_below(self, height: int) -> None:
        """Give the tabs under the timeline `height` pixels, if the timeline keeps the least it needs:
        a dialog docked over Fix first then leaves every bar in view."""
        upper, total = self.splitter.widget(0), sum(self.splitter.sizes())
        below = min(max(height, self.splitter.sizes()[1]), total - upper.minimumSizeHint().height())
        if below > self.splitter.sizes()[1]:
            self.splitter.setSizes([total - below, below])

    def _make_chart_if_chosen(self, index: int) -> None:
        if self.tabs.tabText(index) != "Chances" or self.chances_chart is not None:
            return
        from desktop.views.charts import ChancesChart

        self.chances_chart = ChancesChart()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, self.chances_chart, "Chances")
        self.tabs.setCurrentIndex(index)
        self.tabs.blockSignals(False)
        if self.chances:
            self.chances_chart.set_chances(*self.chances)

    # --- playing -----------------------------------------------------------------------------

    def toggle_play(self) -> None:
        if self.play_button.isChecked():
            if self.result and self.position >= len(self.result.run.events):
                self.position = 0
            self._timer.start(SPEEDS[self.speed_box.currentIndex()][1])
            self.play_button.setText("Pause")
            self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))
        else:
            self._timer.stop()
            self.play_button.setText("Play")
            self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))

    def play_or_pause(self) -> None:
        """Space, from anywhere on the page (`MapAndRun`)."""
        if self.play_button.isEnabled():
            self.play_button.toggle()

    def step(self) -> None:
        if not self.result:
            return
        if self.position < len(self.result.run.events):
            self.position += 1
            self._show_position()
        if self.position >= len(self.result.run.events) and self.play_button.isChecked():
            self.play_button.setChecked(False)

    def reset(self) -> None:
        if self.play_button.isChecked():
            self.play_button.setChecked(False)
        self.position = 0
        self._show_position()

    def current_event(self) -> Event | None:
        return self.result.run.events[self.position - 1] if self.result and self.position > 0 else None

    def _show_position(self) -> None:
        run = self.result.run if self.result else None
        event = self.current_event()
        self.events.show_first(run.events if run else (), self.position)
        if self.position:
            self.event_list.scrollToBottom()
        self.timeline.set_clock(event.hours if event else None, event.step if event else None)
        touched = event.notes if event else ()
        self.events.set_highlight(touched)
        self.clock_label.setText(_clock_words(event, self.position, len(run.events) if run else 0))
        self._show_summary()
        self.step_button.setEnabled(bool(run) and self.position < len(run.events))
        self.highlightChanged.emit(tuple(touched))

    def _show_summary(self) -> None:
        """The header: the plan until the run has played to its end, then how it ends."""
        if self.result is not None:
            ended = self.position >= len(self.result.run.events) > 0
            said = {(e, w): _summary(self.result, self.impact, e, self.was, w) for e in (False, True) for w in (False, True)}
            self.summary.show_text(said[ended, self.position == 0], said.values())

    def _speed_changed(self, index: int) -> None:
        if self._timer.isActive():
            self._timer.start(SPEEDS[index][1])

    def _step_clicked(self, name: str) -> None:
        """Jump to where that step starts, so the map shows what it reads."""
        if not self.result:
            return
        events = self.result.run.events
        numbers = [i for i, event in enumerate(events, start=1) if event.step == name]
        telling = [i for i in numbers if events[i - 1].kind != "start"]  # where it decides, not just starts
        if numbers:
            self.position = (telling or numbers)[0]
            self._show_position()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.play_button, self.step_button, self.reset_button, self.speed_box, self.absent_box, self.down_box):
            widget.setEnabled(enabled)


class _Header(QLabel):
    """The run's header: as tall as the tallest thing it may say for the run on show (its plan, before
    and during Play, and its end), so the timeline under it keeps its place while the run plays."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._may_say: tuple[str, ...] = ()

    def show_text(self, text: str, may_say) -> None:
        may_say = tuple(may_say)
        if may_say != self._may_say:
            self._may_say = may_say
            self.updateGeometry()
        self.setText(text)

    def heightForWidth(self, width: int) -> int:
        room = QRect(0, 0, max(1, width - 2 * self.margin()), 100_000)
        tallest = max((self.fontMetrics().boundingRect(room, Qt.TextFlag.TextWordWrap, text).height() for text in self._may_say), default=0)
        return max(super().heightForWidth(width), tallest + 2 * self.margin())


def _still_weak(result: RunResult) -> set[str]:
    """The pieces of context the run, as things stand, still reads as a gap (a note written since it
    was ticked is not one: an unwritten name now has a note, a stale note was reviewed)."""
    return {f.key for step in (result.baseline or result.run).steps for f in step.findings if f.verdict != "proceed"}


def _with_assumed(gaps: tuple[GapImpact, ...], scenario: Scenario, shown: dict[str, GapImpact]) -> list[GapImpact]:
    """The gaps assumed fixed first (ticked, so they can be unticked, as they were listed), then
    the gaps still holding the run back, most valuable first."""
    assumed = [shown.get(key) or GapImpact(key, key.removeprefix("unwritten:"), None if key.startswith("unwritten:") else key,
                                          "assumed fixed", f"Fix {key.removeprefix('unwritten:')}", (), 0, 0.0, 0.0)
               for key in sorted(scenario.assume_fixed)]
    return assumed + [g for g in gaps if g.key not in scenario.assume_fixed]


def _summary(result: RunResult, impact: Impact | None, ended: bool, was: Run | None, waiting: bool) -> str:
    """What the program is; then its plan (`waiting`: before Play, with how to start it), or, once the
    run has `ended`, how it ends, beside how it ended before the last change (`was`), and what stopped it."""
    run = result.run
    program = result.simulation.program
    lanes = lanes_of(run)
    work = listed("shared work" if lane == LANES["shared"] else lane for lane in lanes)
    deadline = f" · deadline {format_hours(program.deadline_hours)}" if program.deadline_hours else ""
    text = f"{printable(program.title)}: {counted(len(run.steps), 'step')} {'across' if len(lanes) > 1 else 'in'} {work or 'no lane'}{deadline}\n"
    if not ended:
        text += plan_words(run) + (" — press Play to see how it goes." if waiting else ".")
    else:
        outcome = compared_words(run, was)
        counts = ", ".join(DECISIONS[decision].count(n) for decision, n in run.counts.items() if n)
        text += f"{outcome[0].upper()}{outcome[1:]} · confidence {run.confidence * 100:.0f}% · "
        text += (counts if run.finished else stopped_words(run) or counts) + "."
    if impact is None:
        text += "\nWorking out what to fix first…"
    elif impact.fix_first and impact.fixed_run is not run:
        text += f"\nWith the first {counted(len(impact.fix_first), 'fix')}: {outcome_words(impact.fixed_run)}."
    if program.problems:
        text += "\nProblems: " + "; ".join(program.problems)
    return text


def _what_if(result: RunResult) -> str:
    if result.baseline is None:
        return ("Tick a gap to assume it fixed, or make someone away or a system down: the run is played again at once. "
                "Double-click a gap to open its note, or to write it when nobody has yet.")
    return (f"What if {result.simulation.describe(result.scenario)}: {outcome_words(result.run)}.\n"
            f"As things stand: {outcome_words(result.baseline)}.")


def _clock_words(event: Event | None, position: int, total: int) -> str:
    if event is None:
        return f"Ready: {counted(total, 'event')}. Press Play or Step."
    said = callout_words(event) or (EVENT_WORDS["finish"] if event.kind == "finish" else event.text)
    return f"{format_hours(event.hours)} · {event.step}: {said}  ({position}/{total})"
