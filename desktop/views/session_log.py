"""The session log: every note written into the vault since it was opened here, by this app, by an
agent over MCP (`substrate mcp --allow-capture`) or by a bundle import, from the vault's activity log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.models.coverage import Column, RowsModel
from desktop.models.notes import PATH_ROLE
from store import activity
from store import clock, words

WHO = activity.WHO


def _tip(entry: activity.Entry) -> str:
    return f"{entry.title} — {entry.action} by {WHO.get(entry.by, entry.by).lower()} at {entry.when.astimezone():%Y-%m-%d %H:%M:%S}"


COLUMNS = (
    Column("Time", lambda e: f"{e.when.astimezone():%H:%M:%S}", _tip),
    Column("By", lambda e: WHO.get(e.by, e.by), _tip),
    Column("What", lambda e: e.action, _tip),
    Column("Note", lambda e: e.path, _tip),
)


class SessionLog(QWidget):
    """The log's table with a line saying what it counts; re-read when the log file grows."""

    noteChosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RowsModel(COLUMNS, lambda entry: entry.path, self)
        self.vault: Path | None = None
        self.since: dt.datetime | None = None
        self._offset = 0  # how far into the activity log this session has read
        self.summary = QLabel("Nothing written yet.", objectName="session-log-summary")
        self.table = QTableView(objectName="session-log")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((80, 90, 80)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.noteChosen.emit(index.data(PATH_ROLE)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.timer = QTimer(self, interval=1000)
        self.timer.timeout.connect(self.check)

    def follow(self, session, vault: Path) -> None:
        """A vault was opened: count from now, and look again whenever the session writes or the index changes."""
        self.start(vault)
        session.wrote.connect(lambda _written: self.check())
        session.indexUpdated.connect(lambda _changes: self.check())

    def start(self, vault: Path) -> None:
        """Count from now, for this vault: what the log held before is another session's."""
        self.vault, self.since = vault, clock.now_utc().replace(microsecond=0)
        self._offset = activity.end_of_log(vault)
        self.model.set_rows([])
        self.summary.setText(f"Since {self.since.astimezone():%H:%M}: nothing written yet.")
        self.timer.start()

    def check(self) -> None:
        """Read what was added to the log since the last look (one stat a second when nothing was)."""
        if self.vault is None or activity.end_of_log(self.vault) == self._offset:
            return
        fresh, self._offset = activity.read_from(self.vault, self._offset)
        if not fresh:
            return
        entries = self.model.rows + fresh
        self.model.show_first(entries, len(entries))
        notes = len({e.path for e in entries if e.is_note})
        self.summary.setText(f"Since {self.since.astimezone():%H:%M}: {words.counted(notes, 'note')} written")
        self.table.scrollToBottom()
