"""The main window: browse, search and read one vault's notes, kept live as files change.

The window puts the parts together and opens the vault; each part follows the session itself (its
`indexUpdated(Changes)` and the rest) for what it cares about: the lists (`note_lists`), the map and
the run, the writing side (`writing`, through `operations`), the editors (`editing`), the session log.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDockWidget, QFileDialog, QLabel, QMainWindow, QProgressBar, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from desktop import actions
from desktop.editing import Editors
from desktop.errors import describe
from desktop.export import export_view
from desktop.models.notes import PATH_ROLE
from desktop.models.problems import PROBLEM_ROLE
from desktop.navigation import History
from desktop.note_lists import NoteLists
from desktop.operations import Operation
from desktop.views.bundle_dialogs import ExportDialog, ImportDialog
from desktop.views.editor import NoteEditor
from desktop.views.map_and_run import MapAndRun
from desktop.views.message_bar import MessageBar
from desktop.views.note_page import NotePage
from desktop.views.note_view import NoteView
from desktop.views.session_log import SessionLog
from desktop.views.workshop import WorkshopMode
from desktop.workers import VaultSession
from desktop.writing import Writing
from store import clock, words
from store.bundle import Scope
from store.display import printable
from store.locations import documents_dir


class CountLabel(QLabel):
    """The status bar's counts; a click opens the problems panel."""

    clicked = Signal()

    def __init__(self, text: str):
        super().__init__(text, objectName="status-counts", toolTip="Click to show the problems")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, db_path: Path | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.db_path = db_path  # tests put the index elsewhere; the app uses the default
        self.session: VaultSession | None = None
        self.history = History()
        self._first_note = ""
        self._problems_shown: bool | None = None  # while the map page hides the problems panel
        self.vault: Path | None = None
        self.editors = Editors(self, lambda _path: self.session_log.check())
        self.writing = Writing(self)
        self.setWindowTitle("Substrate")
        self.resize(1280, 800)
        self._build_views()
        actions.build_actions(self)
        self._update_navigation()
        self._build_status()
        self.workshop = WorkshopMode(self)
        self._restore_layout()

    # --- building ------------------------------------------------------------------------------

    def _build_views(self) -> None:
        self.browser = browser = NoteLists(self.read, self.show_error, self)
        browser.noteChosen.connect(self.navigate)
        browser.shown.connect(self._lists_shown)
        browser.counted.connect(self._counts_shown)
        self.notes, self.notes_filter, self.groups, self.search_results, self.problems = (
            browser.notes, browser.notes_filter, browser.groups, browser.search_results, browser.problems)
        self.group_view, self.note_list, self.search_list, self.lists, self.problem_list = (
            browser.group_view, browser.note_list, browser.search_list, browser.lists, browser.problem_list)

        self.note_view = NoteView(objectName="note")
        self.note_view.noteRequested.connect(self.navigate)
        self.note_view.unwrittenRequested.connect(self._unwritten)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="main-splitter")
        for widget, stretch in ((self.group_view, 0), (self.lists, 1), (self.note_view, 2)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setSizes([220, 380, 680])

        self.message_bar = MessageBar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.message_bar)
        self.map_and_run = MapAndRun(self.read)
        self.map_and_run.noteRequested.connect(self.open_from_map)
        self.map_and_run.writeRequested.connect(self.writing.write_note)
        self.map_and_run.captureRequested.connect(lambda: self.writing.capture_note())
        self.map_and_run.fixRequested.connect(self.writing.fix_gap)
        self.pages = QTabWidget(objectName="pages", documentMode=True)
        self.pages.addTab(self.splitter, "Notes")
        self.pages.addTab(self.map_and_run, "Coverage map && run")
        self.pages.currentChanged.connect(self._page_changed)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.problem_list.activated.connect(self._problem_activated)
        self._best_match_wanted: str | None = None
        self.search_results.modelReset.connect(self._hits_shown)
        self.problem_dock = QDockWidget("Problems", self, objectName="problems-dock")
        self.problem_dock.setWidget(self.problem_list)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problem_dock)
        self.problem_dock.hide()  # the count in the status bar opens it: a problem or two need no room of their own

        self.session_log = SessionLog(self)
        self.session_log.noteChosen.connect(self.navigate)
        self.session_log_dock = QDockWidget("Session Log", self, objectName="session-log-dock")
        self.session_log_dock.setWidget(self.session_log)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.session_log_dock)
        self.session_log_dock.hide()

    def _build_status(self) -> None:
        self.count_label = CountLabel("No vault open")
        self.count_label.clicked.connect(self.show_problems)
        self.live_label = QLabel("")
        self.updated_label = QLabel("")
        self.progress = QProgressBar(maximumWidth=220, textVisible=True)
        self.progress.hide()
        bar = self.statusBar()
        bar.addWidget(self.count_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.live_label)
        bar.addPermanentWidget(self.updated_label)

    # --- a vault -------------------------------------------------------------------------------

    def open_vault(self, path: Path, intro: str | None = None) -> None:
        """Show `path`: the index opens and catches up off the UI thread; the window stays usable."""
        self.close_session()
        self.vault = Path(path)
        clock.follow_vault(self.vault)  # before any view asks which day it is
        self.setWindowTitle(f"{printable(self.vault.name)} — Substrate")
        self.history.restart()
        self._update_navigation()
        self.note_view.vault_root = self.vault
        self.note_view.show_message("Opening the vault…")
        self.count_label.setText("Opening…")
        if intro:
            self.message_bar.show_message(intro, "info", whole=(str(self.vault),))
        else:
            self.message_bar.hide()
        session = self.session = VaultSession(self.vault, self.db_path, self)
        saved = self.settings.value(f"vaults/{self._vault_key()}/graph", "", str)
        self.browser.follow(session)
        self.map_and_run.follow(session, json.loads(saved) if saved else {})
        self.writing.follow(session)
        self.editors.follow(session)
        self.session_log.follow(session, self.vault)
        session.opened.connect(self._opened)
        session.openFailed.connect(lambda exc: self.show_error(exc, "opening the vault"))
        session.indexProgressed.connect(self._progressed)
        session.indexUpdated.connect(self._updated)
        session.noticed.connect(lambda text: self.message_bar.show_message(text, "notice"))
        session.liveChanged.connect(self._live_changed)
        session.open()
        actions.remember_recent(self.settings, self.vault)

    def close_session(self) -> None:
        if self.session is not None:
            self._save_position()
            session, self.session = self.session, None
            session.close()
            session.deleteLater()

    @Slot(object)
    def _opened(self, session: VaultSession) -> None:
        if session is not self.session:
            return
        session.start_checking()
        self._live_changed(session.live)
        self._first_note = self.settings.value(f"vaults/{self._vault_key()}/note", "", str)
        if self.pages.currentWidget() is self.map_and_run:  # what is on screen first, the lists after
            self.map_and_run.refresh(then=self.browser.reload)
        else:
            self.browser.reload()  # then opens the first note, once there are notes

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if total < 200 or done >= total:
            self.progress.hide()
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat("Indexing %v of %m")
        self.progress.show()

    @Slot(object)
    def _updated(self, changes) -> None:
        """The note on show follows its file: read again, renamed or gone."""
        self.progress.hide()
        self.updated_label.setText(f"Updated {clock.now_local():%H:%M:%S}")
        current, renamed = self.current_path(), dict(changes.renamed)
        if current in renamed:
            self.history.renamed(current, renamed[current])
            self.show_note(renamed[current])
        elif current in changes.removed:
            self.note_view.show_message(f"{current} was deleted or moved outside the vault.")
        elif current in changes.paths():
            self.show_note(current)  # keeps the scroll position

    @Slot(bool)
    def _live_changed(self, live: bool) -> None:
        session = self.session
        if session and session.read_only:
            self.live_label.setText("● Read only")
            self.live_label.setToolTip("Another Substrate keeps this index up to date.")
            return
        self.live_label.setText("● Live" if live else "○ Not watching")
        if live and not self.updated_label.text():
            self.updated_label.setText(f"Up to date {clock.now_local():%H:%M:%S}")
        self.live_label.setToolTip("Changes to the notes appear here as they are saved." if live else "Changes are picked up when the vault is opened again.")

    def _lists_shown(self, rows, problems) -> None:
        self.problem_dock.setWindowTitle(f"Problems ({len(problems)})")
        if self.history.position < 0 and rows:
            self._open_first()

    def _counts_shown(self, report) -> None:
        totals = report.totals()  # the counts the map, the command line and agents show too
        counts = [words.counted(totals.notes, "note"), words.counted(totals.problems, "problem"), words.counted(totals.known_unknowns, "known unknown")]
        self.count_label.setText(" · ".join(counts))

    def _open_first(self) -> None:
        """The note the person last read here, else the vault's front page if it has one."""
        last = self._first_note

        def chosen(path):
            if path and self.history.position < 0:
                self.navigate(path)

        self.read(lambda reader: reader.front_page(last), chosen)

    # --- reading and writing -------------------------------------------------------------------

    def read(self, work, on_done, on_failed=None) -> None:
        """Run `work(reader)` off the UI thread against the open vault; errors go to `on_failed`, else the message bar."""
        if self.session is not None:
            self.session.read(work, on_done, on_failed or (lambda exc: self.show_error(exc, "reading the index")))

    def write(self, operation: Operation) -> None:
        """Run a write (`desktop.operations`) against the open vault, off the UI thread."""
        if self.session is not None:
            operation.run(self.session)

    # --- reading notes -------------------------------------------------------------------------

    def current_path(self) -> str | None:
        return self.history.current

    def show_problems(self) -> None:
        """The problems panel, from the count in the status bar: on the notes page, where it belongs."""
        self.pages.setCurrentIndex(0)
        self._problems_shown = None
        self.problem_dock.show()
        self.problem_dock.raise_()
        if self.problems.rowCount():
            self.resizeDocks([self.problem_dock], [self.problem_list.sizeHintForRow(0) * min(6, self.problems.rowCount() + 1) + 40],
                             Qt.Orientation.Vertical)

    def open_best_match(self) -> None:
        """Enter in the search box: the best match on the notes page, from any page; when the answer to what
        was typed is still on its way, as soon as it comes."""
        text = self.search_box.text()
        if not text.strip():
            return
        self.pages.setCurrentIndex(0)
        if self.search_results.query == text and self.search_results.rowCount():
            self.browser.open_first_hit()
        else:
            self._best_match_wanted = text

    def _hits_shown(self) -> None:
        wanted, self._best_match_wanted = self._best_match_wanted, None
        if wanted and wanted == self.search_results.query == self.search_box.text():
            self.browser.open_first_hit()

    def _problem_activated(self, index) -> None:
        problem = index.data(PROBLEM_ROLE)
        if problem is not None and not problem.is_note:  # nothing to open: say what it is and what to do
            self.message_bar.show_message(f"{problem.path}: {problem.message}", "notice")
            return
        self.navigate(index.data(PATH_ROLE))

    @Slot(str)
    def navigate(self, path: str) -> None:
        """Open a note and remember it for Back."""
        if self.history.go(path):
            self._update_navigation()
            self.show_note(path)

    def back(self) -> None:
        if (path := self.history.back()) is not None:
            self._update_navigation()
            self.show_note(path)

    def forward(self) -> None:
        if (path := self.history.forward()) is not None:
            self._update_navigation()
            self.show_note(path)

    def show_note(self, path: str) -> None:
        def shown(page: NotePage) -> None:
            if page.detail.path == self.current_path():
                self.note_view.show_page(page)
                self.browser.select(page.detail.path)

        def failed(exc) -> None:
            if path == self.current_path():
                self.note_view.show_message(describe(exc))

        self.read(lambda reader: reader.note_page(path), shown, failed)

    def _update_navigation(self) -> None:
        self.back_action.setEnabled(self.history.can_go_back)
        self.forward_action.setEnabled(self.history.can_go_forward)
        actions.note_actions(self, self.current_path() is not None)

    def _page_changed(self, _index: int | None = None) -> None:
        """The map is read when it is shown, and again on each change while it is. The problems
        panel belongs to the notes page: the map and the run need the room (on a projector too)."""
        on_map = self.pages.currentWidget() is self.map_and_run
        if on_map and self._problems_shown is None:
            self._problems_shown = self.problem_dock.isVisible()
            self.problem_dock.hide()
        elif not on_map and self._problems_shown is not None:
            self.problem_dock.setVisible(self._problems_shown)
            self._problems_shown = None
        if on_map and self.map_and_run.stale and self.session and self.session.brain:
            self.map_and_run.refresh()

    def open_from_map(self, path: str) -> None:
        self.pages.setCurrentIndex(0)
        self.navigate(path)

    def _unwritten(self, name: str) -> None:
        self.message_bar.show_message(f"“{name}” is linked to but not written yet: it is a known unknown on the coverage map.", "info")

    def edit_note(self, path: str | None = None) -> NoteEditor | None:
        """The note in the in-app editor (one window per note: asking again brings it forward)."""
        path = path or self.current_path()
        return self.editors.open(path) if path and self.vault is not None else None

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.search_box.text():
            self.search_box.clear()
            self.note_list.setFocus()
            return
        super().keyPressEvent(event)

    # --- files ---------------------------------------------------------------------------------

    def choose_vault(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a vault: the folder that holds your notes", str(self.vault or Path.home()))
        if folder:
            self.open_vault(Path(folder))

    def export_bundle(self) -> ExportDialog | None:
        """The export dialog: a scope, its notes, the secret scan, then the bundle."""
        if self.session is None or self.vault is None:
            return None
        dialog = ExportDialog(self.read, self.vault, self, preset=self._scope_on_screen())
        dialog.open()
        return dialog

    def _scope_on_screen(self) -> Scope | None:
        """On the map and run, the program the run shows: what "hand this on" means there. Elsewhere the
        dialog starts at the whole vault."""
        program = self.map_and_run.run.program_box.currentText()
        if self.pages.currentWidget() is self.map_and_run and program:
            return Scope("program", program, 1)
        return None

    def import_bundle(self, bundle: Path | None = None) -> ImportDialog | None:
        """Check a bundle, show what it would bring, and bring it in without overwriting a note."""
        if self.session is None or self.vault is None:
            return None
        if bundle is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import a context bundle", str(documents_dir()), "Context bundle (*.zip)")
            if not chosen:
                return None
            bundle = Path(chosen)
        dialog = ImportDialog(self.read, self.write, bundle, self.vault, self)
        dialog.open()
        return dialog

    def export_view(self, part: str, path: Path | None = None) -> Path | None:
        """Save the map, the run or both as PNG, SVG or PDF (asked for when `path` is None)."""
        return export_view(self, part, path)

    def show_error(self, exc: BaseException, doing: str = "") -> None:
        self.message_bar.show_message(describe(exc, doing), "error")

    # --- remembering ---------------------------------------------------------------------------

    def _vault_key(self) -> str:
        return str(self.vault or "").replace("/", "|").replace("\\", "|")

    def _save_position(self) -> None:
        if getattr(self, "vault", None) and self.current_path():
            self.settings.setValue(f"vaults/{self._vault_key()}/note", self.current_path())
        if getattr(self, "vault", None) and self.map_and_run.graph is not None:
            self.settings.setValue(f"vaults/{self._vault_key()}/graph", json.dumps(self.map_and_run.graph.filters()))

    def _restore_layout(self) -> None:
        for key, restore in (("geometry", self.restoreGeometry), ("state", self.restoreState), ("splitter", self.splitter.restoreState)):
            value = self.settings.value(f"window/{key}")
            if isinstance(value, QByteArray):
                restore(value)

    def closeEvent(self, event) -> None:
        if not self.editors.close_all():  # each asks about unsaved changes; any may say Cancel
            event.ignore()
            return
        if self._problems_shown is not None:  # remember the panel as the notes page has it
            self.problem_dock.setVisible(self._problems_shown)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.close_session()
        self.settings.sync()
        super().closeEvent(event)
