"""The main window: browse, search and read one vault's notes, kept live as files change."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDockWidget, QFileDialog, QHeaderView, QLabel, QLineEdit, QMainWindow, QMessageBox,
    QProgressBar, QSplitter, QStackedWidget, QTableView, QTabWidget, QToolBar, QTreeView, QVBoxLayout, QWidget,
)

from desktop.errors import describe
from desktop.export import FORMATS, export_widget
from desktop.models.groups import GROUP_ROLE, GroupsModel
from desktop.models.notes import PATH_ROLE, NotesFilter, NotesModel
from desktop.models.problems import PROBLEM_ROLE, ProblemsModel
from desktop.models.search import SearchModel
from desktop.views.audit import AuditDialog
from desktop.views.bundle_dialogs import ExportDialog, ImportDialog
from desktop.views.capture import CaptureDialog
from desktop.views.editor import NoteEditor
from desktop.views.map_and_run import MapAndRun
from desktop.views.message_bar import MessageBar
from desktop.views.note_page import NotePage
from desktop.views.note_view import NoteView
from desktop.views.search_list import MARK_END, MARK_START, SearchList
from desktop.views.session_log import SessionLog
from desktop.views.workshop import SummaryDialog, WorkshopMode
from desktop.workers import VaultSession
from desktop.writing import WritingMixin
from store import clock, query, words
from store.coverage_facts import note_coverage
from store.display import printable
from store.locations import documents_dir
from store.render import make_resolver, render_body

RECENT_MAX = 8
SEARCH_LIMIT = 50


def load_page(db, blueprint, path: str) -> NotePage:
    """Everything the note view shows, read on a pool thread."""
    detail = query.note_detail(db, path)
    body = render_body(query.note_body(db, path), make_resolver(path, [(l.target, l.target_path) for l in detail.links_out]), detail.title)
    return NotePage(detail, body, note_coverage(db, blueprint, path, clock.today()), blueprint)


class MainWindow(WritingMixin, QMainWindow):
    def __init__(self, settings: QSettings | None = None, db_path: Path | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.db_path = db_path  # tests put the index elsewhere; the app uses the default
        self.session: VaultSession | None = None
        self.history: list[str] = []
        self.position = -1
        self._first_note = ""
        self._quiet_selection = False
        self._list_place: tuple[str | None, str | None] = (None, None)
        self._open_when_indexed: str | None = None
        self._list_retries = 0  # list reads that failed in a row (retried a few times)
        self._problems_shown: bool | None = None  # while the map page hides the problems panel
        self._search_serial = itertools.count(1)
        self._latest_search = 0
        self._reload_pending = False
        self.vault: Path | None = None
        self.editors: dict[str, NoteEditor] = {}  # open editor windows by note path
        self.capture_dialog: CaptureDialog | None = None
        self.summary_dialog: SummaryDialog | None = None
        self.audit_dialog: AuditDialog | None = None
        self.setWindowTitle("Substrate")
        self.resize(1280, 800)
        self._build_views()
        self._build_actions()
        self._build_status()
        self.workshop = WorkshopMode(self)
        self._restore_layout()

    # --- building ------------------------------------------------------------------------------

    def _build_views(self) -> None:
        self.notes = NotesModel(self)
        self.notes_filter = NotesFilter(self)
        self.notes_filter.setSourceModel(self.notes)
        self.groups = GroupsModel(self)
        self.search_results = SearchModel(self)
        self.problems = ProblemsModel(self)

        self.group_view = QTreeView(headerHidden=True, objectName="groups")
        self.group_view.setModel(self.groups)
        self.group_view.expandAll()
        self.groups.rowsInserted.connect(lambda *_: self.group_view.expandAll())
        self.group_view.selectionModel().currentChanged.connect(self._group_chosen)

        self.note_list = QTableView(objectName="notes")
        self.note_list.setModel(self.notes_filter)
        self.note_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.note_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.note_list.verticalHeader().hide()
        self.note_list.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.note_list.setWordWrap(False)
        header = self.note_list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Widths from the font, not ResizeToContents: that measures 1,000 rows on every change.
        metrics = self.note_list.fontMetrics()
        header.resizeSection(1, metrics.horizontalAdvance("data object") + 24)
        header.resizeSection(3, metrics.horizontalAdvance("2026-12-31") + 24)
        self.note_list.setColumnHidden(2, True)  # the folder: the groups show it
        self.note_list.setShowGrid(False)
        self.note_list.selectionModel().currentRowChanged.connect(lambda current, _prev: self._list_chosen(current))
        self.notes_filter.modelAboutToBeReset.connect(self._remember_list_place)
        self.notes_filter.modelReset.connect(self._restore_list_place)

        self.search_list = SearchList(objectName="search")
        self.search_list.setModel(self.search_results)
        self.search_list.selectionModel().currentChanged.connect(lambda current, _prev: self._list_chosen(current))
        self.search_list.activated.connect(self._list_chosen)

        self.lists = QStackedWidget()
        self.lists.addWidget(self.note_list)
        self.lists.addWidget(self.search_list)

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
        self.map_and_run.noteRequested.connect(self._open_from_map)
        self.map_and_run.writeRequested.connect(self.write_note)
        self.map_and_run.captureRequested.connect(lambda: self.capture_note())
        self.map_and_run.fixRequested.connect(self.fix_gap)
        self.pages = QTabWidget(objectName="pages", documentMode=True)
        self.pages.addTab(self.splitter, "Notes")
        self.pages.addTab(self.map_and_run, "Coverage map && run")
        self.pages.currentChanged.connect(self._page_changed)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.problem_list = QTableView(objectName="problems")
        self.problem_list.setModel(self.problems)
        self.problem_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problem_list.verticalHeader().hide()
        self.problem_list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problem_list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problem_list.activated.connect(self._problem_activated)
        self.problem_dock = QDockWidget("Problems", self, objectName="problems-dock")
        self.problem_dock.setWidget(self.problem_list)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problem_dock)
        self.problem_list.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.problem_list.setWordWrap(False)

        self.session_log = SessionLog(self)
        self.session_log.noteChosen.connect(self.navigate)
        self.session_log_dock = QDockWidget("Session Log", self, objectName="session-log-dock")
        self.session_log_dock.setWidget(self.session_log)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.session_log_dock)
        self.session_log_dock.hide()

    def _build_actions(self) -> None:
        def action(text, slot, shortcut=None, tip=None) -> QAction:
            made = QAction(text, self)
            made.triggered.connect(slot)
            if shortcut:
                made.setShortcut(QKeySequence(shortcut))
            if tip:
                made.setStatusTip(tip)
            return made

        self.open_action = action("&Open Vault…", self.choose_vault, QKeySequence.StandardKey.Open, "Open a folder of notes")
        self.back_action = action("&Back", self.back, QKeySequence.StandardKey.Back)
        self.forward_action = action("&Forward", self.forward, QKeySequence.StandardKey.Forward)
        self.search_action = action("&Search Notes", self.focus_search, "Ctrl+K")
        self.capture_action = action("&Capture Note…", lambda: self.capture_note(), "Ctrl+N", "Write down what the room knows, as a new note")
        self.editor_action = action("&Edit Note", self.edit_note, "Ctrl+E", "Edit this note here; it is saved only when you save")
        self.external_editor_action = action("Open in Default &App", self.open_in_editor, "Ctrl+Alt+E")
        self.owner_action = action("Set O&wner…", lambda: self.fix_gap("owner", self.current_path()), "Ctrl+Shift+O")
        self.reviewed_action = action("Mark Re&viewed Today", lambda: self.fix_gap("reviewed", self.current_path()), "Ctrl+Shift+R",
                                      "Confirm this note is still true: its review date becomes today")
        self.reveal_action = action("&Reveal in File Manager", self.reveal)
        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.open_action)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        menu.addSeparator()
        menu.addAction(self.capture_action)
        menu.addAction(self.editor_action)
        menu.addAction(self.external_editor_action)
        menu.addAction(self.owner_action)
        menu.addAction(self.reviewed_action)
        menu.addAction(self.reveal_action)
        menu.addSeparator()
        menu.addAction(action("Export &Bundle…", self.export_bundle, "Ctrl+Shift+E"))
        menu.addAction(action("&Import Bundle…", self.import_bundle))
        export = menu.addMenu("&Export")
        for label, part in (("Map, Graph &and Run…", "map-and-run"), ("Coverage &Map or Brain Graph…", "map"), ("&Run…", "run")):
            export.addAction(action(label, lambda part=part: self.export_view(part)))
        menu.addSeparator()
        menu.addAction(action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        go = self.menuBar().addMenu("&Go")
        for item in (self.back_action, self.forward_action, self.search_action):
            go.addAction(item)
        go.addSeparator()
        go.addAction(action("Note &List", lambda: self.lists.currentWidget().setFocus(), "Ctrl+2"))
        go.addAction(action("&Groups", self.group_view.setFocus, "Ctrl+1"))
        go.addAction(action("&Note", self.note_view.setFocus, "Ctrl+3"))
        view = self.menuBar().addMenu("&View")
        self.notes_page_action = action("&Notes", lambda: self.pages.setCurrentIndex(0), "Ctrl+Shift+N")
        self.map_page_action = action("Coverage &Map and Run", lambda: self.pages.setCurrentWidget(self.map_and_run), "Ctrl+Shift+M")
        view.addAction(self.notes_page_action)
        view.addAction(self.map_page_action)
        self.workshop_action = action("&Workshop Mode", self.toggle_workshop, "F11",
                                      "Full screen, large type, the map and the run for a room; a summary at the end")
        self.workshop_action.setCheckable(True)
        view.addAction(self.workshop_action)
        self.audit_action = action("&Audit Prompts…", lambda: self.audit(), "Ctrl+Shift+A", "The workshop's questions, area by area")
        view.addAction(self.audit_action)
        for workshop_key in (self.workshop_action, self.audit_action, self.capture_action):  # from the capture and audit windows too
            workshop_key.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        view.addSeparator()
        view.addAction(self.problem_dock.toggleViewAction())
        log_action = self.session_log_dock.toggleViewAction()
        log_action.setShortcut("Ctrl+Shift+L")
        log_action.setToolTip("Every note written since this vault was opened: by you, by an agent, by a bundle import")
        view.addAction(log_action)
        self.menuBar().addMenu("&Help").addAction(action("&About Substrate", self.about))

        toolbar = QToolBar("Navigation", objectName="navigation")
        toolbar.setMovable(False)
        toolbar.addAction(self.back_action)
        toolbar.addAction(self.forward_action)
        self.search_box = QLineEdit(placeholderText="Search notes (Ctrl+K)", clearButtonEnabled=True, objectName="search-box")
        self.search_box.setMaximumWidth(420)
        self.search_box.textChanged.connect(self.search)
        self.search_box.returnPressed.connect(self._open_first_hit)
        toolbar.addWidget(self.search_box)
        self.addToolBar(toolbar)
        self._update_navigation()

    def _build_status(self) -> None:
        self.count_label = QLabel("No vault open")
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
        self.editors = {}  # editors of the last vault stay open, on their own
        self.setWindowTitle(f"{printable(self.vault.name)} — Substrate")
        self.history, self.position = [], -1
        self._update_navigation()
        saved = self.settings.value(f"vaults/{self._vault_key()}/graph", "", str)
        self.map_and_run.open_vault(self.vault, json.loads(saved) if saved else {})
        self.notes.set_rows([])
        self.groups.set_groups([])
        self.problems.set_problems([])
        self.note_view.vault_root = self.vault
        self.session_log.start(self.vault)
        self.note_view.show_message("Opening the vault…")
        self.count_label.setText("Opening…")
        if intro:
            self.message_bar.show_message(intro, "info")
        else:
            self.message_bar.hide()
        session = self.session = VaultSession(self.vault, self.db_path, self)
        session.opened.connect(self._opened)
        session.openFailed.connect(lambda exc: self.show_error(exc, "opening the vault"))
        session.indexProgressed.connect(self._progressed)
        session.indexUpdated.connect(self._updated)
        session.noticed.connect(lambda text: self.message_bar.show_message(text, "notice"))
        session.liveChanged.connect(self._live_changed)
        session.open()
        self._remember_recent(self.vault)

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
            self.map_and_run.refresh(then=self.reload_lists)
        else:
            self.reload_lists()  # then opens the first note, once there are notes

    def _open_first(self) -> None:
        """The note the person last read here, else the vault's front page if it has one."""
        last = self._first_note

        def chosen(path):
            if path and self.position < 0:
                self.navigate(path)

        self.read(lambda db: last if last and query.has_note(db, last) else query.front_page(db),
                  chosen)

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if total < 200 or done >= total:
            self.progress.hide()
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat("Indexing %v of %m")
        self.progress.show()
        self.reload_lists()  # what is indexed so far can be browsed already

    @Slot(object)
    def _updated(self, changes) -> None:
        self.progress.hide()
        self.updated_label.setText(f"Updated {clock.now_local():%H:%M:%S}")
        self.reload_lists()
        self.session_log.check()
        paths = changes.paths()
        if self._open_when_indexed in paths:  # a note just written from the fix-first list
            self.navigate(self._open_when_indexed)
            self._open_when_indexed = None
        self.map_and_run.changed(paths)
        self._page_changed()
        current = self.current_path()
        renamed = dict(changes.renamed)
        if current in renamed:
            self._replace_in_history(current, renamed[current])
            self.show_note(renamed[current])
        elif current in changes.removed:
            self.note_view.show_message(f"{current} was deleted or moved outside the vault.")
        elif current in paths:
            self.show_note(current)  # keeps the scroll position
        for path, editor in list(self.editors.items()):
            if path in paths or path in changes.removed:
                editor.disk_changed()
        if self.search_box.text().strip():
            self.search(self.search_box.text())

    @Slot(bool)
    def _live_changed(self, live: bool) -> None:
        session = self.session
        if session and session.read_only:
            self.live_label.setText("● Read only")
            self.live_label.setToolTip("Another Substrate keeps this index up to date.")
        else:
            self.live_label.setText("● Live" if live else "○ Not watching")
            if live and not self.updated_label.text():
                self.updated_label.setText(f"Up to date {clock.now_local():%H:%M:%S}")
            if live:
                self.reload_lists()  # the start-up scan is applied by now: the lists show it whatever order signals came in
            self.live_label.setToolTip("Changes to the notes appear here as they are saved." if live else "Changes are picked up when the vault is opened again.")

    def reload_lists(self) -> None:
        """Re-read the note list, groups, problems and counts; coalesced, so a burst costs one read."""
        if self._reload_pending or self.session is None:
            return
        self._reload_pending = True
        QTimer.singleShot(0, self._reload)

    def _reload(self) -> None:
        self._reload_pending = False
        if self.session is None:  # the vault was closed before this ran
            return
        brain = self.session.brain
        self.read(lambda db: (query.note_list(db), query.groups(db), brain.config_problems() + query.problems(db), query.summary(db)),
                  self._show_lists, self._lists_failed)

    def _lists_failed(self, exc: BaseException) -> None:
        """Said, and tried again shortly (a few times): a list left empty after a failed read would stay so until the next change."""
        self.show_error(exc, "reading the notes list")
        self._list_retries += 1
        if self._list_retries <= 5:
            QTimer.singleShot(1000, self.reload_lists)

    def _show_lists(self, result) -> None:
        self._list_retries = 0
        rows, groups, problems, summary = result
        self._quiet_selection = True  # a row that goes away moves the selection: that is no choice of the person's
        try:
            self.notes.set_rows(rows)
        finally:
            self._quiet_selection = False
        self.groups.set_groups(groups)
        self.problems.set_problems(problems)
        self.problem_dock.setWindowTitle(f"Problems ({len(problems)})")
        if self.position < 0 and rows:
            self._open_first()
        counts = [words.counted(summary.notes, "note"), words.counted(len(problems), "problem"), words.counted(summary.unresolved, "unwritten link")]
        self.count_label.setText(" · ".join(counts))

    # --- reading notes -------------------------------------------------------------------------

    def read(self, work, on_done, on_failed=None) -> None:
        """Run `work(db)` off the UI thread against the open vault; errors go to `on_failed`, else the message bar."""
        if self.session is not None:
            self.session.read(work, on_done, on_failed or (lambda exc: self.show_error(exc, "reading the index")))

    def current_path(self) -> str | None:
        return self.history[self.position] if 0 <= self.position < len(self.history) else None

    def _problem_activated(self, index) -> None:
        problem = index.data(PROBLEM_ROLE)
        if problem is not None and not problem.is_note:  # nothing to open: say what it is and what to do
            self.message_bar.show_message(f"{problem.path}: {problem.message}", "notice")
            return
        self.navigate(index.data(PATH_ROLE))

    @Slot(str)
    def navigate(self, path: str) -> None:
        """Open a note and remember it for Back."""
        if not path or path == self.current_path():
            return
        del self.history[self.position + 1 :]
        self.history.append(path)
        self.position = len(self.history) - 1
        self._update_navigation()
        self.show_note(path)

    def back(self) -> None:
        if self.position > 0:
            self.position -= 1
            self._update_navigation()
            self.show_note(self.history[self.position])

    def forward(self) -> None:
        if self.position < len(self.history) - 1:
            self.position += 1
            self._update_navigation()
            self.show_note(self.history[self.position])

    def show_note(self, path: str) -> None:
        session = self.session
        if session is None or session.brain is None:
            return
        blueprint = session.brain.blueprint()

        def shown(page: NotePage) -> None:
            if page.detail.path == self.current_path():
                self.note_view.show_page(page)
                self._select_in_list(page.detail.path)

        def failed(exc) -> None:
            if path == self.current_path():
                self.note_view.show_message(describe(exc))

        session.read(lambda db: load_page(db, blueprint, path), shown, failed)

    def _replace_in_history(self, old: str, new: str) -> None:
        self.history = [new if p == old else p for p in self.history]

    def _update_navigation(self) -> None:
        self.back_action.setEnabled(self.position > 0)
        self.forward_action.setEnabled(self.position < len(self.history) - 1)
        has_note = self.current_path() is not None
        self.editor_action.setEnabled(has_note)
        self.external_editor_action.setEnabled(has_note)
        self.owner_action.setEnabled(has_note)
        self.reviewed_action.setEnabled(has_note)
        self.reveal_action.setEnabled(has_note)

    def _list_chosen(self, index: QModelIndex) -> None:
        if self._quiet_selection:
            return
        path = index.data(PATH_ROLE) if index.isValid() else None
        if path:
            self.navigate(path)

    def _select_in_list(self, path: str) -> None:
        row = self.notes.row_of(path)
        if row is None or self.lists.currentWidget() is not self.note_list:
            return
        proxy_index = self.notes_filter.mapFromSource(self.notes.index(row, 0))
        if proxy_index.isValid() and self.note_list.currentIndex().row() != proxy_index.row():
            self.note_list.selectionModel().setCurrentIndex(
                proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.note_list.scrollTo(proxy_index)

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
        session = self.session
        if self.pages.currentWidget() is self.map_and_run and self.map_and_run.stale and session and session.readers:
            self.map_and_run.refresh()

    def _open_from_map(self, path: str) -> None:
        self.pages.setCurrentIndex(0)
        self.navigate(path)

    def _remember_list_place(self) -> None:
        """Before a reset of the list: the selected note and the note at the top of the view."""
        top = self.note_list.indexAt(self.note_list.viewport().rect().topLeft())
        self._list_place = (self.note_list.currentIndex().data(PATH_ROLE), top.data(PATH_ROLE) if top.isValid() else None)

    def _restore_list_place(self) -> None:
        selected, top = self._list_place
        quiet, self._quiet_selection = self._quiet_selection, True  # putting the selection back is no choice of the person's
        try:
            for path, flags in ((selected, None), (top, QAbstractItemView.ScrollHint.PositionAtTop)):
                row = self.notes.row_of(path) if path else None
                proxy_index = self.notes_filter.mapFromSource(self.notes.index(row, 0)) if row is not None else QModelIndex()
                if not proxy_index.isValid():
                    continue
                if flags is None:
                    self.note_list.selectionModel().setCurrentIndex(
                        proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                else:
                    self.note_list.scrollTo(proxy_index, flags)
        finally:
            self._quiet_selection = quiet

    def _group_chosen(self, current: QModelIndex, _previous=None) -> None:
        self.notes_filter.set_group(current.data(GROUP_ROLE) if current.isValid() else None)

    def _unwritten(self, name: str) -> None:
        self.message_bar.show_message(f"“{name}” is linked to but not written yet: it is a known unknown on the coverage map.", "info")

    # --- search --------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    @Slot(str)
    def search(self, text: str) -> None:
        """Search as the person types; an answer to an older keystroke is dropped."""
        if not text.strip():
            self.lists.setCurrentWidget(self.note_list)
            self.search_results.set_hits("", [])
            return
        self.lists.setCurrentWidget(self.search_list)
        serial = self._latest_search = next(self._search_serial)

        def found(hits) -> None:
            if serial == self._latest_search:
                self.search_results.set_hits(text, hits)

        self.read(lambda db: query.search(db, text, limit=SEARCH_LIMIT, highlight=(MARK_START, MARK_END)), found)

    def _open_first_hit(self) -> None:
        if self.search_results.rowCount():
            index = self.search_results.index(0, 0)
            self.search_list.setCurrentIndex(index)
            self._list_chosen(index)
            self.search_list.setFocus()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.search_box.text():
            self.search_box.clear()
            self.note_list.setFocus()
            return
        super().keyPressEvent(event)

    # --- files and the desktop -----------------------------------------------------------------

    def choose_vault(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a vault: the folder that holds your notes", str(self.vault or Path.home()))
        if folder:
            self.open_vault(Path(folder))

    def _note_file(self) -> Path | None:
        path = self.current_path()
        return self.vault / path if path else None

    def open_in_editor(self) -> None:
        file = self._note_file()
        if file is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(file))):
            self.message_bar.show_message(f"No program is set up to open {file.name}. Open it from your file manager instead.", "notice")

    def reveal(self) -> None:
        file = self._note_file()
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
            self.show_error(exc, "showing the file")

    def _remember_recent(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_vaults() if p != str(path)]
        self.settings.setValue("recent", recent[:RECENT_MAX])
        self.settings.setValue("last_vault", str(path))

    def recent_vaults(self) -> list[str]:
        value = self.settings.value("recent", [], list)
        return [str(v) for v in (value or [])]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_vaults():
            item = self.recent_menu.addAction(path)
            item.triggered.connect(lambda _checked=False, p=path: self._open_recent(p))
        if not self.recent_vaults():
            self.recent_menu.addAction("No vaults yet").setEnabled(False)

    def _open_recent(self, path: str) -> None:
        if Path(path).is_dir():
            self.open_vault(Path(path))
        else:
            self.message_bar.show_message(f"{path} is not there any more (moved, renamed or on a drive that is not connected).", "error")

    def about(self) -> None:
        QMessageBox.about(
            self, "About Substrate",
            f"<h3>{words.app_name()}</h3><p>The brain your marketing orchestration needs: a live, structured map of how "
            "the business works, kept as markdown notes in a folder you own.</p><p>It works offline; your notes stay on this "
            "computer and are never changed by reading them.</p>",
        )

    def export_bundle(self) -> ExportDialog | None:
        """The export dialog: a scope, its notes, the secret scan, then the bundle."""
        if self.session is None or self.vault is None:
            return None
        dialog = ExportDialog(self.read, self.vault, self.map_and_run.keeper, self)
        dialog.open()
        return dialog

    def import_bundle(self, bundle: Path | None = None) -> ImportDialog | None:
        """Check a bundle, show what it would bring, and bring it in without overwriting a note."""
        if self.session is None or self.vault is None:
            return None
        if bundle is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import a context bundle", str(documents_dir()), "Context bundle (*.zip)")
            if not chosen:
                return None
            bundle = Path(chosen)
        dialog = ImportDialog(self.read, bundle, self.vault, self)
        dialog.open()
        return dialog

    def export_view(self, part: str, path: Path | None = None) -> Path | None:
        """Save the map, the run or both as PNG, SVG or PDF (asked for when `path` is None)."""
        widget = {"map-and-run": self.map_and_run, "map": self.map_and_run.left.currentWidget(), "run": self.map_and_run.run}[part]
        self.pages.setCurrentWidget(self.map_and_run)
        if path is None:
            name = f"{self.vault.name if self.vault else 'Substrate'} {part.replace('-', ' ')} {clock.today()}.png"
            chosen, _filter = QFileDialog.getSaveFileName(self, "Export", str(documents_dir() / name), ";;".join(FORMATS.values()))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            saved = export_widget(widget, path, f"Substrate — {part.replace('-', ' ')}", self.vault)
        except Exception as exc:  # a full disk or a folder one may not write to: said in words
            self.show_error(exc, "exporting")
            return None
        self.message_bar.show_message(f"Saved {saved.name} in {saved.parent}.", "info")
        return saved

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
        if self.settings.value("window/state") is None:  # first start: a short problems panel
            QTimer.singleShot(0, lambda: self.resizeDocks([self.problem_dock], [140], Qt.Orientation.Vertical))
        for key, restore in (("geometry", self.restoreGeometry), ("state", self.restoreState), ("splitter", self.splitter.restoreState)):
            value = self.settings.value(f"window/{key}")
            if isinstance(value, QByteArray):
                restore(value)

    def closeEvent(self, event) -> None:
        for editor in list(self.editors.values()):  # each asks about unsaved changes; any may say Cancel
            if not editor.close():
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
