"""The main window's menus, shortcuts and toolbar, the recent vaults, and what reaches outside the
app (the note in its default app, in the file manager). Each action calls one method of the window
or of the part of it that does the work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMessageBox, QToolBar

from store import words

RECENT_MAX = 8


def build_actions(window) -> None:
    """The menus and the navigation toolbar; the actions a test or a state change needs are kept on `window`."""

    def action(text, slot, shortcut=None, tip=None) -> QAction:
        made = QAction(text, window)
        made.triggered.connect(slot)
        if shortcut:
            made.setShortcut(QKeySequence(shortcut))
        if tip:
            made.setStatusTip(tip)
        return made

    writing = window.writing
    window.open_action = action("&Open Vault…", window.choose_vault, QKeySequence.StandardKey.Open, "Open a folder of notes")
    window.back_action = action("&Back", window.back, QKeySequence.StandardKey.Back)
    window.forward_action = action("&Forward", window.forward, QKeySequence.StandardKey.Forward)
    window.search_action = action("&Search Notes", window.focus_search, "Ctrl+K")
    window.capture_action = action("&Capture Note…", lambda: writing.capture_note(), "Ctrl+N", "Write down what the room knows, as a new note")
    window.editor_action = action("&Edit Note", window.edit_note, "Ctrl+E", "Edit this note here; it is saved only when you save")
    window.external_editor_action = action("Open in Default &App", lambda: open_in_default_app(window), "Ctrl+Alt+E")
    window.owner_action = action("Set O&wner…", lambda: writing.fix_gap("owner", window.current_path()), "Ctrl+Shift+O")
    window.reviewed_action = action("Mark Re&viewed Today", lambda: writing.fix_gap("reviewed", window.current_path()), "Ctrl+Shift+R",
                                    "Confirm this note is still true: its review date becomes today")
    window.reveal_action = action("&Reveal in File Manager", lambda: reveal(window))
    menu = window.menuBar().addMenu("&File")
    menu.addAction(window.open_action)
    window.recent_menu = menu.addMenu("Open &Recent")
    window.recent_menu.aboutToShow.connect(lambda: _fill_recent(window))
    menu.addSeparator()
    for item in (window.capture_action, window.editor_action, window.external_editor_action, window.owner_action,
                 window.reviewed_action, window.reveal_action):
        menu.addAction(item)
    menu.addSeparator()
    menu.addAction(action("Export &Bundle…", window.export_bundle, "Ctrl+Shift+E"))
    menu.addAction(action("&Import Bundle…", window.import_bundle))
    export = menu.addMenu("&Export")
    for label, part in (("Map, Graph &and Run…", "map-and-run"), ("Coverage &Map or Brain Graph…", "map"), ("&Run…", "run")):
        export.addAction(action(label, lambda _checked=False, part=part: window.export_view(part)))
    menu.addSeparator()
    menu.addAction(action("&Quit", window.close, QKeySequence.StandardKey.Quit))
    go = window.menuBar().addMenu("&Go")
    for item in (window.back_action, window.forward_action, window.search_action):
        go.addAction(item)
    go.addSeparator()
    go.addAction(action("Note &List", window.browser.focus_list, "Ctrl+2"))
    go.addAction(action("&Groups", window.group_view.setFocus, "Ctrl+1"))
    go.addAction(action("&Note", window.note_view.setFocus, "Ctrl+3"))
    view = window.menuBar().addMenu("&View")
    window.notes_page_action = action("&Notes", lambda: window.pages.setCurrentIndex(0), "Ctrl+Shift+N")
    window.map_page_action = action("Coverage &Map and Run", lambda: window.pages.setCurrentWidget(window.map_and_run), "Ctrl+Shift+M")
    view.addAction(window.notes_page_action)
    view.addAction(window.map_page_action)
    window.workshop_action = action("&Workshop Mode", lambda: window.workshop.toggle(), "F11",
                                    "Full screen, large type, the map and the run for a room; a summary at the end")
    window.workshop_action.setCheckable(True)
    view.addAction(window.workshop_action)
    window.audit_action = action("&Audit Prompts…", lambda: writing.audit(), "Ctrl+Shift+A", "The workshop's questions, area by area")
    view.addAction(window.audit_action)
    for workshop_key in (window.workshop_action, window.audit_action, window.capture_action):  # from the capture and audit windows too
        workshop_key.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    view.addSeparator()
    view.addAction(window.problem_dock.toggleViewAction())
    log_action = window.session_log_dock.toggleViewAction()
    log_action.setShortcut("Ctrl+Shift+L")
    log_action.setToolTip("Every note written since this vault was opened: by you, by an agent, by a bundle import")
    view.addAction(log_action)
    window.menuBar().addMenu("&Help").addAction(action("&About Substrate", lambda: about(window)))

    toolbar = QToolBar("Navigation", objectName="navigation")
    toolbar.setMovable(False)
    toolbar.addAction(window.back_action)
    toolbar.addAction(window.forward_action)
    window.search_box = QLineEdit(placeholderText="Search notes (Ctrl+K)", clearButtonEnabled=True, objectName="search-box")
    window.search_box.setMaximumWidth(420)
    window.search_box.textChanged.connect(window.browser.search)
    window.search_box.returnPressed.connect(window.open_best_match)
    toolbar.addWidget(window.search_box)
    window.addToolBar(toolbar)


def note_actions(window, has_note: bool) -> None:
    """What acts on the note on show is offered only while one is."""
    for item in (window.editor_action, window.external_editor_action, window.owner_action, window.reviewed_action, window.reveal_action):
        item.setEnabled(has_note)


# --- the recent vaults ---------------------------------------------------------------------------


def remember_recent(settings, path: Path) -> None:
    recent = [str(path)] + [p for p in recent_vaults(settings) if p != str(path)]
    settings.setValue("recent", recent[:RECENT_MAX])
    settings.setValue("last_vault", str(path))


def recent_vaults(settings) -> list[str]:
    value = settings.value("recent", [], list)
    return [str(v) for v in (value or [])]


def _fill_recent(window) -> None:
    window.recent_menu.clear()
    for path in recent_vaults(window.settings):
        item = window.recent_menu.addAction(path)
        item.triggered.connect(lambda _checked=False, p=path: _open_recent(window, p))
    if not recent_vaults(window.settings):
        window.recent_menu.addAction("No vaults yet").setEnabled(False)


def _open_recent(window, path: str) -> None:
    if Path(path).is_dir():
        window.open_vault(Path(path))
    else:
        window.message_bar.show_message(f"{path} is not there any more (moved, renamed or on a drive that is not connected).", "error")


# --- outside the app -------------------------------------------------------------------------------


def _note_file(window) -> Path | None:
    path = window.current_path()
    return window.vault / path if path and window.vault else None


def open_in_default_app(window) -> None:
    file = _note_file(window)
    if file is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(file))):
        window.message_bar.show_message(f"No program is set up to open {file.name}. Open it from your file manager instead.", "notice")


def reveal(window) -> None:
    file = _note_file(window)
    if file is None:
        return
    try:
        if sys.platform == "darwin":
            subprocess.Popen(["open", "-R", str(file)])
        elif sys.platform == "win32":
            subprocess.Popen(["explorer", "/select,", str(file)])
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(file.parent)))
    except OSError as exc:
        window.show_error(exc, "showing the file")


def about(window) -> None:
    QMessageBox.about(
        window, "About Substrate",
        f"<h3>{words.app_name()}</h3><p>The brain your marketing orchestration needs: a live, structured map of how "
        "the business works, kept as markdown notes in a folder you own.</p><p>It works offline; your notes stay on this "
        "computer and are never changed by reading them.</p>",
    )
