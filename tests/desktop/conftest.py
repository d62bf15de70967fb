"""A real QApplication, offscreen; settings, data and documents folders kept in tmp_path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from desktop.main_window import MainWindow  # noqa: E402
from store.locations import resources_dir  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path, monkeypatch):
    """Never read or write the developer's own settings or documents."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("SUBSTRATE_DOCUMENTS_DIR", str(tmp_path / "documents"))


@pytest.fixture
def sample_vault(tmp_path) -> Path:
    target = tmp_path / "Sample"
    shutil.copytree(resources_dir() / "sample-brain", target)
    return target


@pytest.fixture
def window(qtbot, tmp_path):
    """A main window with its settings and index in tmp_path; closed (watcher stopped) after the test."""
    opened = MainWindow(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat), db_path=tmp_path / "index.sqlite")
    qtbot.addWidget(opened)
    opened.show()
    yield opened
    opened.close_session()


def open_and_wait(qtbot, window, vault: Path, notes: int | None = None, timeout: int = 20000) -> None:
    """Open `vault` and wait until the index is live and the list shows its notes."""
    window.open_vault(vault)
    qtbot.waitUntil(lambda: window.session is not None and window.session.live, timeout=timeout)
    if notes is not None:
        qtbot.waitUntil(lambda: window.notes.rowCount() == notes, timeout=timeout * 3)  # a busy CI machine stalled it past 20 s


def wait_for_note(qtbot, window, path: str, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: window.note_view.path == path, timeout=timeout)
