"""The notes page's lists: the groups (types and folders), the note list filtered by group, search as
the person types, and the problems. Each is read through the session's reader, off the UI thread,
again whenever the session says the index changed; the selected note and the scroll place survive
a re-read."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStackedWidget, QTableView, QTreeView

from desktop.models.groups import GROUP_ROLE, GroupsModel
from desktop.models.notes import PATH_ROLE, NotesFilter, NotesModel
from desktop.models.problems import ProblemsModel
from desktop.models.search import SearchModel
from desktop.views.search_list import MARK_END, MARK_START, SearchList

SEARCH_LIMIT = 50
RETRIES = 5  # list reads that may fail in a row before the lists wait for the next change


class NoteLists(QObject):
    """`read(work, on_done, on_failed)` runs `work(reader)` off the UI thread; `report(exc, doing)` says a failure."""

    noteChosen = Signal(str)  # the person chose a note in a list
    shown = Signal(object, object)  # rows, problems: the lists as just read
    counted = Signal(object)  # the coverage report the counts come from, read after the lists (a full pass takes longer)

    def __init__(self, read, report, parent=None):
        super().__init__(parent)
        self.read, self.report = read, report
        self._quiet_selection = False
        self._place: tuple[str | None, str | None] = (None, None)
        self._retries = 0  # list reads that failed in a row
        self._pending = False
        # Reads run on several threads and may end out of order: only the latest read's lists are shown
        # (an empty list read before the first index, ending after the full one, would stay on screen).
        self._reads = itertools.count(1)
        self._latest_read = 0
        self._searches = itertools.count(1)
        self._latest_search = 0
        self.search_text = ""
        self.notes = NotesModel(self)
        self.notes_filter = NotesFilter(self)
        self.notes_filter.setSourceModel(self.notes)
        self.groups = GroupsModel(self)
        self.search_results = SearchModel(self)
        self.problems = ProblemsModel(self)
        self._build()

    def _build(self) -> None:
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
        self.note_list.verticalHeader().setDefaultSectionSize(self.note_list.fontMetrics().height() + 8)
        self.note_list.setWordWrap(False)
        header = self.note_list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Widths from the font, not ResizeToContents: that measures 1,000 rows on every change.
        metrics = self.note_list.fontMetrics()
        header.resizeSection(1, metrics.horizontalAdvance("data object") + 24)
        header.resizeSection(3, metrics.horizontalAdvance("2026-12-31") + 24)
        self.note_list.setColumnHidden(2, True)  # the folder: the groups show it
        self.note_list.setShowGrid(False)
        self.note_list.selectionModel().currentRowChanged.connect(lambda current, _prev: self.chosen(current))
        self.notes_filter.modelAboutToBeReset.connect(self._remember_place)
        self.notes_filter.modelReset.connect(self._restore_place)

        self.search_list = SearchList(objectName="search")
        self.search_list.setModel(self.search_results)
        self.search_list.selectionModel().currentChanged.connect(lambda current, _prev: self.chosen(current))
        self.search_list.activated.connect(self.chosen)

        self.lists = QStackedWidget()
        self.lists.addWidget(self.note_list)
        self.lists.addWidget(self.search_list)

        self.problem_list = QTableView(objectName="problems")
        self.problem_list.setModel(self.problems)
        self.problem_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problem_list.verticalHeader().hide()
        self.problem_list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problem_list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problem_list.verticalHeader().setDefaultSectionSize(self.problem_list.fontMetrics().height() + 8)
        self.problem_list.setWordWrap(False)

    # --- following a vault ---------------------------------------------------------------------

    def follow(self, session) -> None:
        """A vault was opened: empty lists until it is read, then read again on every change."""
        self.notes.set_rows([])
        self.groups.set_groups([])
        self.problems.set_problems([])
        session.indexUpdated.connect(self._indexed)
        session.indexProgressed.connect(lambda done, total: self.reload() if total >= 200 and done < total else None)
        session.liveChanged.connect(lambda live: self.reload() if live else None)

    def _indexed(self, _changes) -> None:
        self.reload()
        if self.search_text.strip():
            self.search(self.search_text)

    def reload(self) -> None:
        """Re-read the note list, groups, problems and counts; coalesced, so a burst costs one read."""
        if self._pending:
            return
        self._pending = True
        QTimer.singleShot(0, self._reload)

    def _reload(self) -> None:
        self._pending = False
        serial = self._latest_read = next(self._reads)
        latest = lambda: serial == self._latest_read  # noqa: E731
        self.read(lambda reader: (reader.note_list(), reader.groups(), reader.problems()),
                  lambda result: self._show(result, latest) if latest() else None,
                  lambda exc: self._failed(exc) if latest() else None)

    def _failed(self, exc: BaseException) -> None:
        """Said, and tried again shortly (a few times): a list left empty after a failed read would stay so until the next change."""
        self.report(exc, "reading the notes list")
        self._retries += 1
        if self._retries <= RETRIES:
            QTimer.singleShot(1000, self.reload)

    def _show(self, result, latest=lambda: True) -> None:
        self._retries = 0
        rows, groups, problems = result
        self._quiet_selection = True  # a row that goes away moves the selection: that is no choice of the person's
        try:
            self.notes.set_rows(rows)
        finally:
            self._quiet_selection = False
        self.groups.set_groups(groups)
        self.problems.set_problems(problems)
        self.shown.emit(rows, problems)
        self.read(lambda reader: reader.coverage(), lambda report: self.counted.emit(report) if latest() else None,
                  lambda exc: self.report(exc, "counting the notes"))

    # --- choosing ------------------------------------------------------------------------------

    def chosen(self, index: QModelIndex) -> None:
        if self._quiet_selection:
            return
        path = index.data(PATH_ROLE) if index.isValid() else None
        if path:
            self.noteChosen.emit(path)

    def select(self, path: str) -> None:
        """Show `path` selected in the note list (when the list, not search, is on show)."""
        row = self.notes.row_of(path)
        if row is None or self.lists.currentWidget() is not self.note_list:
            return
        proxy_index = self.notes_filter.mapFromSource(self.notes.index(row, 0))
        if proxy_index.isValid() and self.note_list.currentIndex().row() != proxy_index.row():
            self.note_list.selectionModel().setCurrentIndex(
                proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.note_list.scrollTo(proxy_index)

    def _remember_place(self) -> None:
        """Before a reset of the list: the selected note and the note at the top of the view."""
        top = self.note_list.indexAt(self.note_list.viewport().rect().topLeft())
        self._place = (self.note_list.currentIndex().data(PATH_ROLE), top.data(PATH_ROLE) if top.isValid() else None)

    def _restore_place(self) -> None:
        selected, top = self._place
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

    # --- search --------------------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Search as the person types; an answer to an older keystroke is dropped."""
        self.search_text = text
        if not text.strip():
            self.lists.setCurrentWidget(self.note_list)
            self.search_results.set_hits("", [])
            return
        self.lists.setCurrentWidget(self.search_list)
        serial = self._latest_search = next(self._searches)

        def found(hits) -> None:
            if serial == self._latest_search:
                self.search_results.set_hits(text, hits)

        self.read(lambda reader: reader.search(text, limit=SEARCH_LIMIT, highlight=(MARK_START, MARK_END)), found)

    def open_first_hit(self) -> None:
        if self.search_results.rowCount():
            index = self.search_results.index(0, 0)
            self.search_list.setCurrentIndex(index)
            self.chosen(index)
            self.search_list.setFocus()

    def focus_list(self) -> None:
        self.lists.currentWidget().setFocus()

