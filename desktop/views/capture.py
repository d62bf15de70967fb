"""Quick capture (Ctrl+N): an answer in a workshop becomes a structured note in seconds.

Title, type (from the blueprint), where the knowledge lives today, owner (completed from the
people and teams the brain knows), motion and a few lines; the note is written from its type's
template in the folder where that type lives, off the UI thread, and appears on the map as soon
as the watcher has read it. The dialog stays open beside the map: "Capture and Next" clears it
for the next answer, keeping the type and where it lives.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from store.blueprint import Blueprint
from store.display import printable
from store.new_note import MOTIONS, Draft
from store.words import PLACES

class CaptureDialog(QDialog):
    """Emits `captured(draft, keep_open)`; the window writes it and says where it went."""

    captured = Signal(object, bool)

    def __init__(self, blueprint: Blueprint, parent=None):
        super().__init__(parent)
        self.setObjectName("capture")
        self.setWindowTitle("Capture a Note")
        self.setModal(False)
        self.blueprint = blueprint
        self.unknowns: dict[str, tuple[str, str]] = {}  # a known unknown's title (casefolded) -> (type, motion) the brain expects
        self.title = QLineEdit(objectName="capture-title", placeholderText="What is it called? e.g. Territory Rules")
        self.title.textEdited.connect(self._title_typed)
        self.type = QComboBox(objectName="capture-type")
        self.type.addItem("(no type yet)", "")
        for name, spec in blueprint.types.items():
            self.type.addItem(f"{spec.label} ({name})", name)
        self.type.currentIndexChanged.connect(self._show_question)
        self.question = QLabel(objectName="capture-question", wordWrap=True)
        self.question.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        self.places = {}
        places = QWidget()
        row = QHBoxLayout(places)
        row.setContentsMargins(0, 0, 0, 0)
        for kind, place in PLACES.items():
            if kind in blueprint.risks:
                box = self.places[kind] = QCheckBox(place.one, objectName=f"capture-lives-{kind}")
                row.addWidget(box)
        row.addStretch(1)
        self.owner = QLineEdit(objectName="capture-owner", placeholderText="A person or team")
        self.owners = QStringListModel(self)
        completer = QCompleter(self.owners, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.owner.setCompleter(completer)
        self.motion = QComboBox(objectName="capture-motion")
        self.motion.addItem("—", "")
        for motion in MOTIONS:
            self.motion.addItem(motion.upper() if motion != "shared" else "Shared", motion)
        self.text = QPlainTextEdit(objectName="capture-text", placeholderText="A few lines: what the room said.")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(90)
        self.message = QLabel(objectName="capture-message", wordWrap=True)

        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("T&ype", self.type)
        form.addRow("", self.question)
        form.addRow("Lives &in today", places)
        form.addRow("&Owner", self.owner)
        form.addRow("&Motion", self.motion)
        form.addRow("Te&xt", self.text)
        buttons = QDialogButtonBox()
        self.capture_button = QPushButton("Capture", objectName="capture-button", default=True)
        self.next_button = QPushButton("Capture and &Next", objectName="capture-next")
        buttons.addButton(self.capture_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.next_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.capture_button.clicked.connect(lambda: self.submit(keep_open=False))
        self.next_button.clicked.connect(lambda: self.submit(keep_open=True))
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=lambda: self.submit(keep_open=True))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 460)
        self._show_question()

    def set_known_unknowns(self, unknowns: dict[str, tuple[str, str]]) -> None:
        """What the brain expects of each known unknown (by title, casefolded), so typing one's name fills in
        its type and motion as writing it from the map does."""
        self.unknowns = unknowns

    def _title_typed(self, text: str) -> None:
        expected = self.unknowns.get(text.strip().casefold())
        if expected is None:
            return
        kind, motion = expected
        if not self.type.currentData() and self.type.findData(kind) >= 0:
            self.type.setCurrentIndex(self.type.findData(kind))
        if not self.motion.currentData() and self.motion.findData(motion) >= 0:
            self.motion.setCurrentIndex(self.motion.findData(motion))

    def set_people(self, names: list[str]) -> None:
        self.owners.setStringList(sorted(set(names), key=str.casefold))

    def prefill(self, draft: Draft) -> None:
        """Start from what is known (a gap's title, its type, why it is needed)."""
        self.title.setText(draft.title)
        self.type.setCurrentIndex(max(0, self.type.findData(draft.type or "")))
        for kind, box in self.places.items():
            box.setChecked(kind in draft.lives_in and draft.lives_in != ("note",))
        self.owner.setText(draft.owner)
        self.motion.setCurrentIndex(max(0, self.motion.findData(draft.motion)))
        self.text.setPlainText(draft.text)
        self.message.clear()
        self.title.setFocus()
        self.title.selectAll()

    def draft(self) -> Draft:
        places = tuple(kind for kind, box in self.places.items() if box.isChecked()) or ("note",)
        return Draft(title=self.title.text().strip(), type=self.type.currentData() or None, lives_in=places,
                     owner=self.owner.text().strip(), motion=self.motion.currentData() or "", text=self.text.toPlainText())

    def submit(self, keep_open: bool) -> None:
        draft = self.draft()
        if not draft.title:
            self.show_problem("Give it a title: the name the room uses for it.")
            self.title.setFocus()
            return
        self.captured.emit(draft, keep_open)

    def done_capture(self, path: str, keep_open: bool) -> None:
        """The window wrote it: clear for the next answer, or close."""
        if not keep_open:
            self.accept()
            return
        self.message.setText(f"Captured {html.escape(printable(path))}. Next:")
        self.title.clear()
        self.owner.clear()
        self.text.clear()
        self.title.setFocus()

    def show_problem(self, text: str) -> None:
        self.message.setText(f"<span style='color:#b3261e'>{html.escape(text)}</span>")  # it may quote a typed title

    def _show_question(self) -> None:
        spec = self.blueprint.types.get(self.type.currentData() or "")
        self.question.setText(spec.question if spec else "")
        self.question.setVisible(bool(spec and spec.question))
