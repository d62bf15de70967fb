"""The in-app editor: writes only on save, saves atomically, catches changes made elsewhere by content."""

from __future__ import annotations

import errno
import os
import stat

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from store import activity
from tests.desktop.conftest import open_and_wait, wait_for_note

SEAM = "seams/Marketo to Salesforce Lead Sync.md"


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch):
    """Closing the window at the end closes its editors; an unsaved one would ask and wait for a person."""
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)


def open_editor(qtbot, window, vault, path=SEAM):
    open_and_wait(qtbot, window, vault, notes=87)
    window.navigate(path)
    wait_for_note(qtbot, window, path)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    editor = window.editors[path]
    qtbot.waitUntil(editor.isVisible)
    return editor


def test_typing_writes_nothing_until_save_then_the_note_is_replaced_whole(qtbot, window, sample_vault):
    note = sample_vault / SEAM
    os.chmod(note, 0o640)
    original = note.read_bytes()
    editor = open_editor(qtbot, window, sample_vault)
    assert editor.text.toPlainText() == original.decode("utf-8") and not editor.dirty
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.text, "Reviewed in the workshop.")
    assert editor.dirty and editor.windowTitle().startswith("• ")
    assert note.read_bytes() == original  # never written unless saved
    assert editor.save_action.shortcut().matches(QKeySequence("Ctrl+S")) == QKeySequence.SequenceMatch.ExactMatch
    editor.save_action.trigger()  # what Ctrl+S does (an offscreen window is never the active one)
    assert note.read_bytes() == original + b"\nReviewed in the workshop." and not editor.dirty
    assert stat.S_IMODE(note.stat().st_mode) == 0o640
    assert not [p for p in note.parent.iterdir() if p.name.startswith(".")]
    assert [(e.by, e.action, e.path) for e in activity.read(sample_vault)] == [("app", "edited", SEAM)]
    qtbot.waitUntil(lambda: "Reviewed in the workshop." in window.note_view.toPlainText(), timeout=10000)
    editor.text.undo()
    assert "Reviewed in the workshop." not in editor.text.toPlainText()
    editor.text.redo()
    assert editor.text.toPlainText().endswith("Reviewed in the workshop.")


def type_over(editor, text: str) -> None:
    """Replace the whole text as a person would (select all, type): undoable, and the note becomes unsaved."""
    cursor = editor.text.textCursor()
    cursor.select(cursor.SelectionType.Document)
    cursor.insertText(text)


def same_size_same_mtime_edit(note, old: bytes, new: bytes):
    assert len(old) == len(new)
    before = note.stat()
    note.write_bytes(new)
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_change_elsewhere_with_the_same_size_and_mtime_is_caught_and_the_person_chooses(qtbot, window, sample_vault, monkeypatch):
    note = sample_vault / SEAM
    original = note.read_bytes()
    editor = open_editor(qtbot, window, sample_vault)
    type_over(editor, original.decode("utf-8").replace("every 5 minutes", "every 9 minutes"))
    theirs = original.replace(b"every 5 minutes", b"every 7 minutes")
    same_size_same_mtime_edit(note, original, theirs)
    answers = iter(["compare", "cancel"])
    monkeypatch.setattr("desktop.views.editor.CompareDialog.exec", lambda dialog: shown.append(dialog.text.toPlainText()))
    shown = []
    editor.decide_conflict = lambda current: next(answers)
    assert editor.save() is False
    assert note.read_bytes() == theirs and editor.dirty  # cancelled: nothing written, the edit kept
    assert "-cadence: every 7 minutes" in shown[0] and "+cadence: every 9 minutes" in shown[0]

    editor.decide_conflict = lambda current: "keep both"
    assert editor.save()
    assert note.read_bytes() == theirs
    beside = sample_vault / "seams/Marketo to Salesforce Lead Sync (my edit).md"
    assert b"every 9 minutes" in beside.read_bytes() and editor.path == "seams/Marketo to Salesforce Lead Sync (my edit).md"
    assert window.editors == {editor.path: editor}  # found again under the note it now edits
    editor.close()
    qtbot.waitUntil(lambda: window.editors == {})  # and forgotten once closed, whatever it was first opened as


def test_overwrite_is_a_choice_and_an_untouched_editor_follows_the_disk(qtbot, window, sample_vault):
    note = sample_vault / SEAM
    original = note.read_bytes()
    editor = open_editor(qtbot, window, sample_vault)
    theirs = original.replace(b"every 5 minutes", b"every 7 minutes")
    same_size_same_mtime_edit(note, original, theirs)
    qtbot.waitUntil(lambda: "every 7 minutes" in editor.text.toPlainText(), timeout=10000)  # nothing to lose: read again
    assert not editor.dirty
    type_over(editor, editor.text.toPlainText().replace("every 7 minutes", "every 9 minutes"))
    same_size_same_mtime_edit(note, theirs, original)
    editor.decide_conflict = lambda current: "overwrite"
    assert editor.save()
    assert b"every 9 minutes" in note.read_bytes()


def test_a_full_disk_keeps_the_note_and_the_edit(qtbot, window, sample_vault, monkeypatch):
    note = sample_vault / SEAM
    original = note.read_bytes()
    editor = open_editor(qtbot, window, sample_vault)
    type_over(editor, "A big rewrite")

    def no_space(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("store.safe_write.os.fsync", no_space)
    assert editor.save() is False
    assert note.read_bytes() == original and editor.dirty and editor.text.toPlainText() == "A big rewrite"
    assert editor.message_bar.kind == "error" and "your edit is kept" in editor.message_bar.label.text()
    assert not [p for p in note.parent.iterdir() if p.name.startswith(".substrate-")]
    monkeypatch.undo()
    assert editor.save() and note.read_bytes() == b"A big rewrite"


def test_closing_with_unsaved_changes_asks_and_discard_writes_nothing(qtbot, window, sample_vault, monkeypatch):
    note = sample_vault / SEAM
    original = note.read_bytes()
    editor = open_editor(qtbot, window, sample_vault)
    type_over(editor, "scratch")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Discard)
    assert editor.close()
    assert asked and note.read_bytes() == original


def test_links_complete_from_titles_and_aliases_and_fields_from_the_blueprint(qtbot, window, sample_vault):
    editor = open_editor(qtbot, window, sample_vault)
    qtbot.waitUntil(lambda: editor.text.names.rowCount() > 80)
    assert "failure_mode" in editor.text.fields.stringList()
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.text, "See [[Marke")
    popup = editor.text.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    options = [editor.text.completer.completionModel().index(r, 0).data() for r in range(editor.text.completer.completionCount())]
    assert "Marketo" in options
    editor.text.completer.activated.emit("Marketo")
    assert editor.text.toPlainText().endswith("See [[Marketo]]")
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.text, "failu")
    assert not popup.isVisible()  # prose is not interrupted: Ctrl+Space asks
    qtbot.keyClick(editor.text, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(popup.isVisible)
    editor.text.completer.activated.emit("failure_mode")
    assert editor.text.toPlainText().endswith("\nfailure_mode:: ")
    cursor = editor.text.textCursor()
    cursor.setPosition(len("---\n"))  # the start of the front matter's first line
    editor.text.setTextCursor(cursor)
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    editor.text.moveCursor(cursor.MoveOperation.Up)
    qtbot.keyClicks(editor.text, "cad")
    qtbot.waitUntil(popup.isVisible)
    editor.text.completer.activated.emit("cadence")
    assert editor.text.toPlainText().startswith("---\ncadence: \ntype: seam")


def test_the_editor_saves_a_linked_note_where_it_points_and_never_outside_the_vault(qtbot, tmp_path):
    from desktop.views.editor import NoteEditor

    vault = tmp_path / "vault"
    (vault / "systems").mkdir(parents=True)
    note = vault / "systems/Salesforce.md"
    note.write_bytes(b"# Salesforce\n")
    (vault / "CRM.md").symlink_to("systems/Salesforce.md")
    editor = NoteEditor(vault, "CRM.md")
    qtbot.addWidget(editor)
    editor.text.setPlainText("# Salesforce\nThe CRM of record.\n")
    assert editor.save()
    assert (vault / "CRM.md").is_symlink() and note.read_bytes() == b"# Salesforce\nThe CRM of record.\n"
    outside = tmp_path / "diary.md"
    outside.write_bytes(b"private\n")
    (vault / "Diary.md").symlink_to(outside)
    editor = NoteEditor(vault, "Diary.md")
    qtbot.addWidget(editor)
    editor.show()
    editor.text.setPlainText("overwritten\n")
    assert not editor.save()
    assert "outside the vault" in editor.message_bar.text() and editor.message_bar.kind == "error"
    assert editor.text.toPlainText() == "overwritten\n"  # the edit is kept in the window
    assert outside.read_bytes() == b"private\n" and (vault / "Diary.md").is_symlink()
