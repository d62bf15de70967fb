"""The in-app note editor: markdown with highlighting, completion of `[[` links and of field names,
undo and redo, and saves that never lose anything.

It writes only when the person saves. A save goes through `store.safe_write.replace`: the bytes
on disk must still be the ones the editor opened (compared by content hash, so an edit of the same
size in the same second is caught); if another program changed the note meanwhile, the person
chooses: compare, keep both (their edit lands beside), or overwrite. A full disk or an I/O error
leaves the note untouched and the edit in the editor, offered again.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from PySide6.QtCore import QRegularExpression, QStringListModel, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCompleter, QDialog, QDialogButtonBox, QLabel, QMainWindow, QMessageBox, QPlainTextEdit, QToolBar, QVBoxLayout, QWidget,
)

from desktop.views.message_bar import MessageBar
from store import activity
from store.display import printable
from store.errors import ChangedOnDisk, NotRecorded, SaveFailed, SubstrateError
from store.new_note import file_name
from store.safe_write import digest, read_with_digest, replace, write_new

FIELD_NAMES = ("type", "owner", "reviewed", "lives_in", "motion", "status", "aliases", "tags", "confidence", "title")


class MarkdownHighlighter(QSyntaxHighlighter):
    """Headings, wiki links, fields (`key::` and front-matter keys), tags and code, one block at a time
    (Qt re-highlights only the blocks a keystroke touches, so a 200 KB note types as fast as a short one)."""

    RULES = (
        (r"^#{1,6} .*$", "heading"),
        (r"!?\[\[[^\]\n]+\]\]", "link"),
        (r"^\s*(?:- )?[\w-]+(?=::)|(?<=[\[(])[\w-]+(?=::)", "field"),
        (r"(?:^|(?<=\s))#[\w/-]*[A-Za-z_][\w/-]*", "tag"),
        (r"`[^`\n]+`", "code"),
    )

    def __init__(self, document, dark: bool = False):
        super().__init__(document)
        colors = {"heading": "#7fb0ff" if dark else "#1f4e9a", "link": "#6cc4a1" if dark else "#0b6e4f",
                  "field": "#e0a85a" if dark else "#9a5b00", "tag": "#c792ea" if dark else "#7a3ea8", "code": "#aaaaaa" if dark else "#555555"}
        self.formats = {}
        for kind, color in colors.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if kind == "heading":
                fmt.setFontWeight(QFont.Weight.Bold)
            self.formats[kind] = fmt
        self.rules = [(QRegularExpression(pattern), kind) for pattern, kind in self.RULES]
        self.front_key = QRegularExpression(r"^[\w-]+(?=\s*:)")

    def highlightBlock(self, text: str) -> None:
        previous = self.previousBlockState()
        # state 1: inside the front matter; 2: inside a fenced code block
        if self.currentBlock().blockNumber() == 0 and text.strip() == "---":
            self.setCurrentBlockState(1)
            self.setFormat(0, len(text), self.formats["code"])
            return
        if previous == 1:
            if text.strip() in ("---", "..."):
                self.setCurrentBlockState(0)
                self.setFormat(0, len(text), self.formats["code"])
                return
            self.setCurrentBlockState(1)
            match = self.front_key.match(text)
            if match.hasMatch():
                self.setFormat(0, match.capturedLength(), self.formats["field"])
            self._links(text)
            return
        if text.lstrip().startswith("```") or previous == 2:
            opening = previous != 2
            closing = previous == 2 and text.lstrip().startswith("```")
            self.setCurrentBlockState(2 if opening or not closing else 0)
            self.setFormat(0, len(text), self.formats["code"])
            return
        self.setCurrentBlockState(0)
        for expression, kind in self.rules:
            matches = expression.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), self.formats[kind])

    def _links(self, text: str) -> None:
        matches = self.rules[1][0].globalMatch(text)
        while matches.hasNext():
            match = matches.next()
            self.setFormat(match.capturedStart(), match.capturedLength(), self.formats["link"])


class NoteText(QPlainTextEdit):
    """The text, with completion: note names after `[[`; property names while typing the front matter; field
    names (`key::`) at the start of a line with Ctrl+Space."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.names = QStringListModel(self)
        self.fields = QStringListModel(list(FIELD_NAMES), self)
        self.completer = QCompleter(self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self._insert)
        self._kind = "link"
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)

    def set_names(self, names: list[str]) -> None:
        self.names.setStringList(sorted(set(names), key=str.casefold))

    def set_fields(self, names: list[str]) -> None:
        self.fields.setStringList(sorted(set(FIELD_NAMES) | set(names)))

    def context(self) -> tuple[str, str] | None:
        """("link", typed) inside an open `[[`; ("field", typed) for a word at the start of a line."""
        cursor = self.textCursor()
        line = cursor.block().text()[: cursor.positionInBlock()]
        opened = line.rfind("[[")
        if opened >= 0 and "]]" not in line[opened:]:
            return "link", line[opened + 2:]
        word = re.fullmatch(r"\s*(?:- )?([\w-]*)", line)
        if word is not None:
            return ("property" if self.in_front_matter() else "field"), word.group(1)
        return None

    def in_front_matter(self) -> bool:
        document, here = self.document(), self.textCursor().blockNumber()
        if here == 0 or document.firstBlock().text().strip() != "---":
            return False
        block = document.firstBlock().next()
        while block.isValid() and block.blockNumber() < here:
            if block.text().strip() in ("---", "..."):
                return False
            block = block.next()
        return True

    def complete(self, forced: bool = False) -> None:
        found = self.context()
        if found is None or (found[0] != "link" and not forced and (found[0] == "field" or len(found[1]) < 2)):
            self.completer.popup().hide()
            return
        self._kind, typed = found
        self.completer.setModel(self.names if self._kind == "link" else self.fields)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains if self._kind == "link" else Qt.MatchFlag.MatchStartsWith)
        self.completer.setCompletionPrefix(typed)
        if self.completer.completionCount() == 0:
            self.completer.popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(max(280, self.completer.popup().sizeHintForColumn(0) + 30))
        self.completer.complete(rect)

    def _insert(self, choice: str) -> None:
        self.completer.popup().hide()
        cursor = self.textCursor()
        typed = len(self.completer.completionPrefix())
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, typed)
        if self._kind == "link":
            after = self.toPlainText()[self.textCursor().position(): self.textCursor().position() + 2]
            cursor.insertText(choice + ("" if after == "]]" else "]]"))
        else:
            cursor.insertText(choice + (": " if self._kind == "property" else ":: "))
        self.setTextCursor(cursor)

    def keyPressEvent(self, event) -> None:
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Tab):
            event.ignore()  # the completer takes these
            return
        if event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.complete(forced=True)
            return
        super().keyPressEvent(event)
        text = event.text()
        if text and (text.isprintable() or event.key() == Qt.Key.Key_Backspace):
            if popup.isVisible() or text == "[" or (text.isalnum() and self.in_front_matter()):
                self.complete()  # links as soon as `[[` is typed; property names while typing the front matter
        elif event.key() == Qt.Key.Key_Backspace and popup.isVisible():
            self.complete()


class CompareDialog(QDialog):
    """What is on disk now against the person's edit, line by line."""

    def __init__(self, theirs: str, mine: str, name: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Compare: {printable(name)}")
        self.resize(900, 600)
        view = QPlainTextEdit(readOnly=True, objectName="compare")
        view.setFont(QFont("monospace"))
        diff = difflib.unified_diff(theirs.splitlines(), mine.splitlines(), "on disk now", "your edit", lineterm="")
        view.setPlainText("\n".join(diff) or "They are the same.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Lines starting with − are only on disk; lines with + only in your edit."))
        layout.addWidget(view)
        layout.addWidget(buttons)
        self.text = view


class NoteEditor(QMainWindow):
    """One note, edited in its own window."""

    saved = Signal(str)  # the vault path written

    def __init__(self, vault: Path, path: str, parent=None, dark: bool = False):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.vault, self.path = Path(vault), path
        self.opened_digest: str | None = None
        self.decide_conflict = self._ask_conflict  # tests answer in place of the person
        self.text = NoteText(self)
        self.text.setObjectName("editor-text")
        self.highlighter = MarkdownHighlighter(self.text.document(), dark)
        self.message_bar = MessageBar(self)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.text)
        self.setCentralWidget(central)
        self._build_actions()
        self.resize(820, 700)
        self.load()
        self.text.document().modificationChanged.connect(self._update_title)

    def _build_actions(self) -> None:
        bar = QToolBar("Edit", objectName="editor-toolbar")
        bar.setMovable(False)
        self.save_action = QAction("Save", self, shortcut=QKeySequence.StandardKey.Save, triggered=self.save)
        self.undo_action = QAction("Undo", self, shortcut=QKeySequence.StandardKey.Undo, triggered=self.text.undo)
        self.redo_action = QAction("Redo", self, shortcut=QKeySequence.StandardKey.Redo, triggered=self.text.redo)
        self.reload_action = QAction("Reload from Disk", self, triggered=self.reload)
        close = QAction("Close", self, shortcut=QKeySequence.StandardKey.Close, triggered=self.close)
        self.text.undoAvailable.connect(self.undo_action.setEnabled)
        self.text.redoAvailable.connect(self.redo_action.setEnabled)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        for item in (self.save_action, self.undo_action, self.redo_action, self.reload_action):
            bar.addAction(item)
        self.addAction(close)
        self.addToolBar(bar)
        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)

    @property
    def file(self) -> Path:
        return self.vault / self.path

    @property
    def dirty(self) -> bool:
        return self.text.document().isModified()

    def load(self) -> None:
        data, self.opened_digest = read_with_digest(self.file)
        self.text.setPlainText(data.decode("utf-8", errors="replace"))
        self.text.document().setModified(False)
        self._update_title()
        self.status.setText(f"{printable(self.path)} · Ctrl+S saves · type [[ for a link, Ctrl+Space to complete")

    def reload(self) -> None:
        if self.dirty and QMessageBox.question(self, "Reload", "Throw away your changes and read the note from disk?") != QMessageBox.StandardButton.Yes:
            return
        cursor = self.text.textCursor().position()
        self.load()
        cursor_at = self.text.textCursor()
        cursor_at.setPosition(min(cursor, len(self.text.toPlainText())))
        self.text.setTextCursor(cursor_at)
        self.message_bar.hide()

    def disk_changed(self) -> None:
        """The watcher saw this note change: reload quietly if there is nothing to lose, else say so."""
        try:
            _, now = read_with_digest(self.file)
        except OSError:
            now = None
        if now == self.opened_digest:
            return  # our own save, or a touch that changed nothing
        if now is not None and not self.dirty:
            self.reload()
            self.message_bar.show_message("The note changed on disk and was read again.", "info")
        else:
            what = "was deleted" if now is None else "changed on disk"
            self.message_bar.show_message(f"This note {what} while you were editing. Saving will ask what to do.", "notice")

    def save(self) -> bool:
        data = self.text.toPlainText().encode("utf-8")
        try:
            self.opened_digest = replace(self.file, data, self.opened_digest, self.vault)
        except ChangedOnDisk as exc:
            return self._resolve(exc.current, data)
        except (SaveFailed, SubstrateError) as exc:
            self.message_bar.show_message(str(exc), "error")
            return False
        self._saved(self.path)
        return True

    def _saved(self, path: str, action: str = "edited") -> None:
        self.text.document().setModified(False)
        self.message_bar.hide()
        try:
            activity.record(self.vault, "app", action, path, Path(path).stem)
        except NotRecorded as exc:  # the note is saved; only its line in the session log is missing
            self.message_bar.show_message(str(exc), "notice")
        self.saved.emit(path)
        self._update_title()

    def _resolve(self, current: bytes | None, mine: bytes) -> bool:
        while True:
            choice = self.decide_conflict(current)
            if choice == "compare":
                CompareDialog((current or b"").decode("utf-8", "replace"), mine.decode("utf-8"), self.path, self).exec()
                continue
            if choice == "overwrite":
                self.opened_digest = None if current is None else digest(current)
                return self.save()
            if choice == "keep both":
                return self._save_beside(mine)
            self.message_bar.show_message("Not saved: your edit is still here.", "notice")
            return False

    def _save_beside(self, mine: bytes) -> bool:
        """The person's edit as a new note next to the original, which stays as the other program left it."""
        stem, folder = Path(self.path).stem, Path(self.path).parent
        for number in range(1, 100):
            name = file_name(f"{stem} (my edit{'' if number == 1 else f' {number}'})")
            target = folder / name
            try:
                write_new(self.vault / target, mine)
            except FileExistsError:
                continue
            except OSError as exc:
                self.message_bar.show_message(f"Not saved: {exc.strerror or exc}. Your edit is still here.", "error")
                return False
            self.path = target.as_posix()
            self.opened_digest = digest(mine)
            self._saved(self.path, "created")
            self.message_bar.show_message(f"Both kept: your edit is {self.path}; the note changed on disk is as the other program left it.", "info")
            return True
        return False

    def _ask_conflict(self, current: bytes | None) -> str:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("The note changed on disk")
        box.setText(f"{printable(self.path)} {'was deleted' if current is None else 'was changed by another program'} since you opened it.")
        box.setInformativeText("Compare the two, keep both (your edit is saved as a new note beside it), or overwrite what is on disk with your edit.")
        buttons = {box.addButton("Compare…", QMessageBox.ButtonRole.ActionRole): "compare",
                   box.addButton("Keep Both", QMessageBox.ButtonRole.AcceptRole): "keep both",
                   box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole): "overwrite",
                   box.addButton(QMessageBox.StandardButton.Cancel): "cancel"}
        box.exec()
        return buttons.get(box.clickedButton(), "cancel")

    def _update_title(self, *_args) -> None:
        self.setWindowTitle(f"{'• ' if self.dirty else ''}{printable(Path(self.path).stem)} — Substrate Editor")

    def closeEvent(self, event) -> None:
        if self.dirty:
            answer = QMessageBox.question(self, "Unsaved changes", f"Save your changes to {Path(self.path).stem}?",
                                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel or (answer == QMessageBox.StandardButton.Save and not self.save()):
                event.ignore()
                return
        super().closeEvent(event)
