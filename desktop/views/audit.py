"""Audit prompts (Ctrl+Shift+A): the workshop's questions, area by area, from the blueprint and
what the brain is missing — "Which systems run the revenue engine?", "What is Territory Rules?
3 notes refer to it", "Who owns the HubSpot to Salesforce sync?", "Where does Lead Routing live
today?", "Is Lead Scoring still true?" Each answer is written as it is given; skip and back
move through them; each area shows how far the room has got.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QCompleter, QDialog, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QSplitter, QStackedWidget, QStyle, QTableView, QVBoxLayout, QWidget,
)

from desktop.models.coverage import Column, RowsModel
from desktop.views.tables import headline
from store.audit import Area, Prompt
from store.blueprint import Blueprint
from store import words
from store.display import printable
from store.new_note import Draft


class AuditDialog(QDialog):
    """Emits `answered(prompt, answer)`: a Draft for "new" and "write", an owner's name, a tuple of
    places, "reviewed" or "edit". The window writes it."""

    answered = Signal(object, object)

    def __init__(self, areas: list[Area], blueprint: Blueprint, parent=None):
        super().__init__(parent)
        self.blueprint = blueprint
        self.setObjectName("audit")
        self.setWindowTitle("Audit: What Does the Brain Need to Know?")
        self.setModal(False)
        self.areas = areas
        self.flat = [(a, p) for a in areas for p in a.prompts]
        self.position = 0
        self.outcome: dict[int, str] = {}  # prompt number -> "answered" or "skipped"
        self.given: dict[int, object] = {}  # prompt number -> the answer given: Back shows it again
        self.owners_named: dict[str, str] = {}  # note path -> the owner the room named for it
        self.area_model = RowsModel([Column("Area", lambda a: a.shown)], lambda a: a.type, self)
        self.area_model.set_rows(areas)
        self.area_list = QTableView(objectName="audit-areas")
        self.area_list.setModel(self.area_model)
        self.area_list.verticalHeader().hide()
        self.area_list.horizontalHeader().hide()  # one column of "Seams · 3 of 10 answered": it names itself
        self.area_list.setShowGrid(False)
        self.area_list.setWordWrap(False)
        self.area_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.area_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.area_list.horizontalHeader().setStretchLastSection(True)
        self.area_list.clicked.connect(lambda index: self.go_to_area(index.row()))
        self.area_title = QLabel(objectName="audit-area", textFormat=Qt.TextFormat.PlainText)
        self.question = headline("audit-question", 1.5)
        self.detail = QLabel(objectName="audit-detail", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.answers = QStackedWidget()
        self.people = QStringListModel(self)  # owners offered as the room types
        self._build_answers()
        self.back_button = QPushButton("Back", objectName="audit-back")
        self.skip_button = QPushButton("Skip", objectName="audit-skip")
        self.answer_button = QPushButton("Answer", objectName="audit-answer", default=True)
        self.back_button.clicked.connect(self.back)
        self.skip_button.clicked.connect(self.skip)
        self.answer_button.clicked.connect(self.answer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.answer_button)
        right = QWidget()
        column = QVBoxLayout(right)
        for widget in (self.area_title, self.question, self.detail):
            column.addWidget(widget)
        column.addWidget(self.answers, 1)
        column.addLayout(buttons)
        self.splitter = QSplitter(objectName="audit-splitter", childrenCollapsible=False)
        self.splitter.addWidget(self.area_list)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.setSizeGripEnabled(True)  # widen it, or drag the line between the areas and the question
        self.show_prompt()
        self._fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        window = self.parentWidget()
        workshop = getattr(window, "workshop", None)
        if workshop is not None and workshop.active and not event.spontaneous():
            # on the projector: at the right edge, leaving the map's areas and their scores in view for the room
            frame, bar = window.geometry(), workshop.bar
            below_bar = window.mapToGlobal(bar.geometry().bottomLeft()).y() + 8  # the session clock and End Workshop stay in view
            self.move(max(frame.left(), frame.right() - self.frameGeometry().width() - 8), below_bar)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):  # workshop mode's large type
            self._fit()

    def _fit(self) -> None:
        """Room for every area's whole name and its progress at the type size in use (the list never elides
        "Linked, never written · 9 of 9 answered"), and a dialog that fits the screen."""
        view = self.area_list
        view.ensurePolished()
        metrics = view.fontMetrics()
        padding = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1) + metrics.averageCharWidth()
        text = max((metrics.horizontalAdvance(area.widest) for area in self.areas), default=0) + padding
        view.setMinimumWidth(text + view.verticalScrollBar().sizeHint().width() + 2 * view.frameWidth())
        view.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        screen = self.screen().availableGeometry()
        least = self.minimumSizeHint()  # and room to spare: a long question, a few lines of what the room said
        width = min(max(least.width() + 20 * metrics.averageCharWidth(), 980), screen.width() - 40)
        height = min(max(least.height() + 8 * metrics.height(), 560), screen.height() - 80)
        self.resize(max(width, self.width() if self.isVisible() else 0), max(height, self.height() if self.isVisible() else 0))
        self.splitter.setSizes([view.minimumWidth(), max(1, self.width() - view.minimumWidth())])

    def _build_answers(self) -> None:
        self.capture_page = QWidget()
        form = QFormLayout(self.capture_page)
        self.title = QLineEdit(objectName="audit-title", placeholderText="Its name")
        self.type = QComboBox(objectName="audit-type")
        self.type.addItem("(no type yet)", "")
        for name, spec in self.blueprint.types.items():
            self.type.addItem(f"{spec.label} ({name})", name)
        self.capture_places = self._places("audit-capture")
        self.capture_owner = self._owner_box("audit-capture-owner")
        self.text = QPlainTextEdit(objectName="audit-text", placeholderText="What the room said")
        self.text.setTabChangesFocus(True)
        form.addRow("Title", self.title)
        form.addRow("Type", self.type)
        form.addRow("Lives in today", self.capture_places[0])
        form.addRow("Owner", self.capture_owner)
        form.addRow("Text", self.text)
        self.owner_page = QWidget()
        owner_form = QFormLayout(self.owner_page)
        self.owner = self._owner_box("audit-owner")
        owner_form.addRow("Owner", self.owner)
        self.lives_page = QWidget()
        lives_form = QFormLayout(self.lives_page)
        self.lives_places = self._places("audit-lives")
        lives_form.addRow("It lives in", self.lives_places[0])
        self.review_page = QWidget()
        review_row = QHBoxLayout(self.review_page)
        self.still_true = QPushButton("Still true: mark it reviewed today", objectName="audit-still-true")
        self.needs_work = QPushButton("Needs work: open it in the editor", objectName="audit-needs-work")
        self.still_true.clicked.connect(lambda: self._finish("reviewed"))
        self.needs_work.clicked.connect(lambda: self._finish("edit"))
        review_row.addWidget(self.still_true)
        review_row.addWidget(self.needs_work)
        review_row.addStretch(1)
        for page in (self.capture_page, self.owner_page, self.lives_page, self.review_page):
            self.answers.addWidget(page)

    def _places(self, name: str) -> tuple[QWidget, dict[str, QCheckBox]]:
        """The places as boxes in two rows: one row of seven is wider than a projector's type allows."""
        holder, boxes = QWidget(), {}
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        for number, (kind, place) in enumerate(words.PLACES.items()):
            boxes[kind] = QCheckBox(place.one, objectName=f"{name}-{kind}")
            grid.addWidget(boxes[kind], number // 4, number % 4)
        grid.setColumnStretch(4, 1)
        return holder, boxes

    def _owner_box(self, name: str) -> QLineEdit:
        box = QLineEdit(objectName=name, placeholderText="A person or team")
        completer = QCompleter(self.people, box)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        box.setCompleter(completer)
        return box

    def set_people(self, names: list[str]) -> None:
        self.people.setStringList(sorted(set(names), key=str.casefold))

    # --- moving through the questions ----------------------------------------------------------

    @property
    def current(self) -> tuple[Area, Prompt] | None:
        return self.flat[self.position] if 0 <= self.position < len(self.flat) else None

    def show_prompt(self) -> None:
        if self.current is None:
            self.area_title.setText("Every area asked")
            self.question.setText("That is every question. End the workshop (F11) for its summary.")
            self.detail.clear()
            self.answers.hide()
            self.answer_button.setEnabled(False)
            self.skip_button.setEnabled(False)
            return
        area, prompt = self.current
        number = area.prompts.index(prompt) + 1
        self.area_title.setText(f"{area.label} · question {number} of {len(area.prompts)}")
        self.question.setText(printable(prompt.question))  # questions quote titles, and a title may hold any character
        detail = prompt.detail
        if not prompt.owner and prompt.path in self.owners_named:  # named a question ago: the brain knows it now
            detail += f" Owner: {self.owners_named[prompt.path]} (just named)."
        self.detail.setText(printable(detail))
        self.answers.show()
        self.answer_button.setEnabled(True)
        self.skip_button.setEnabled(True)
        self.back_button.setEnabled(self.position > 0)
        page = {"new": self.capture_page, "write": self.capture_page, "owner": self.owner_page,
                "lives": self.lives_page, "review": self.review_page}[prompt.kind]
        self.answers.setCurrentWidget(page)
        self.answer_button.setVisible(prompt.kind != "review")
        self.title.setText(prompt.title if prompt.kind == "write" else "")
        self.title.setReadOnly(prompt.kind == "write")
        self.type.setCurrentIndex(max(0, self.type.findData(area.type)))
        self.type.setEnabled(not area.type)  # an area's own questions make notes of its type
        given = self.given.get(self.position)
        draft = given if isinstance(given, Draft) else None
        ticked = (given if prompt.kind == "lives" and isinstance(given, tuple) else prompt.places, draft.lives_in if draft else ())
        for boxes, places in zip((self.lives_places[1], self.capture_places[1]), ticked):
            for kind, box in boxes.items():
                box.setChecked(kind in places)  # what the brain knows already, or what the room said before Back
        if draft is not None:
            self.title.setText(draft.title)
        self.text.setPlainText(draft.text if draft else "")
        self.capture_owner.setText(draft.owner if draft else "")
        self.owner.setText(given if prompt.kind == "owner" and isinstance(given, str) else prompt.owner)
        self.area_list.selectRow(self.areas.index(area))
        (self.owner if prompt.kind == "owner" else self.title).setFocus()

    def go_to_area(self, row: int) -> None:
        area = self.areas[row]
        if area.prompts:
            self.position = self.flat.index((area, area.prompts[0]))
            self.show_prompt()

    def back(self) -> None:
        if self.position > 0:
            self.position -= 1
            self.show_prompt()

    def skip(self) -> None:
        self._mark("skipped")
        self.position += 1
        self.show_prompt()

    def answer(self) -> None:
        if self.current is None:
            return
        area, prompt = self.current
        if prompt.kind in ("new", "write"):
            title = self.title.text().strip()
            if not title:
                self.detail.setText("Give it a name first.")
                return
            places = tuple(k for k, box in self.capture_places[1].items() if box.isChecked()) or ("note",)
            kind = area.type or self.type.currentData() or None
            self._finish(Draft(title, kind, places, self.capture_owner.text().strip(), prompt.motion, self.text.toPlainText()))
        elif prompt.kind == "owner":
            if not self.owner.text().strip():
                self.detail.setText("Name a person or a team (or Skip).")
                return
            self._finish(self.owner.text().strip())
        elif prompt.kind == "lives":
            places = tuple(k for k, box in self.lives_places[1].items() if box.isChecked())
            if not places:
                self.detail.setText("Tick where it lives (or Skip).")
                return
            self._finish(places)

    def _finish(self, answer) -> None:
        _area, prompt = self.current
        self.given[self.position] = answer
        if prompt.kind == "owner":
            self.owners_named[prompt.path] = answer
        self._mark("answered")
        self.answered.emit(prompt, answer)
        self.position += 1
        self.show_prompt()

    def _mark(self, outcome: str) -> None:
        if self.current is None:
            return
        area, _prompt = self.current
        previous = self.outcome.get(self.position)
        if previous:
            setattr(area, previous, getattr(area, previous) - 1)
        self.outcome[self.position] = outcome
        setattr(area, outcome, getattr(area, outcome) + 1)
        self.area_model.set_rows(self.areas)
