"""The note view: a read-only page for one note. Vault links navigate inside the app, only
http(s) and mailto open the system browser, and nothing is fetched from the network."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QTextBrowser

from desktop.views.note_page import Colors, NotePage, page_html
from store.display import printable
from store.render import href_path

MAX_IMAGE_BYTES = 20 * 1024 * 1024


class NoteView(QTextBrowser):
    noteRequested = Signal(str)  # a vault path
    unwrittenRequested = Signal(str)  # the name of a note linked to but not written

    def __init__(self, parent=None, **properties):
        super().__init__(parent, **properties)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._follow)
        self.vault_root: Path | None = None
        self.path: str | None = None
        self.page: NotePage | None = None
        self.page_source = ""  # the HTML last shown (tests read it)
        self.show_message("Choose a note on the left, or search with Ctrl+K.")

    def show_message(self, text: str) -> None:
        self.path, self.page = None, None
        self.page_source = ""
        self.setPlainText(printable(text))  # messages name notes, and a name may hold any character

    def show_page(self, page: NotePage) -> None:
        """Show a note; the same note again keeps its scroll position."""
        same = page.detail.path == self.path
        position = self.verticalScrollBar().value() if same else 0
        self.path, self.page = page.detail.path, page
        self.page_source = page_html(page, _colors(self.palette()))
        self.setHtml(self.page_source)
        self.verticalScrollBar().setValue(position)

    def refresh_colors(self) -> None:
        if self.page is not None:
            self.show_page(self.page)

    def _follow(self, url: QUrl) -> None:
        scheme, text = url.scheme().lower(), url.toString()
        if scheme == "note":
            self.noteRequested.emit(href_path(text))
        elif scheme == "unwritten":
            self.unwrittenRequested.emit(href_path(text))
        elif scheme in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        # anything else (javascript:, file:, data:) is not followed

    def loadResource(self, kind, url: QUrl):
        """Images only, only from inside the vault; nothing from the network, ever."""
        if kind != QTextDocument.ResourceType.ImageResource or url.scheme().lower() != "vault" or self.vault_root is None:
            return None
        path = _inside(self.vault_root, href_path(url.toString()))
        if path is None or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        image = QImage(str(path))
        return None if image.isNull() else image


def _inside(root: Path, rel: str) -> Path | None:
    real_root = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(real_root, rel))
    return Path(candidate) if candidate.startswith(real_root + os.sep) else None


def _colors(palette: QPalette) -> Colors:
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return Colors(
        text=palette.color(QPalette.ColorRole.Text).name(),
        muted=palette.color(QPalette.ColorRole.PlaceholderText).name(),
        link=palette.color(QPalette.ColorRole.Link).name(),
        ghost="#9a8fb8" if dark else "#8a7fa8",
        warn="#e0a040" if dark else "#b0600a",
        good="#5cbf7a" if dark else "#2a8a4a",
        rule=palette.color(QPalette.ColorRole.Mid).name(),
    )
