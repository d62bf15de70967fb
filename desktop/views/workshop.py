"""Workshop mode (F11): the map and the run full screen, in large type and a high-contrast theme a
room can read on a projector, with a session clock; at the end, the session's summary (in the app,
and saved as a self-contained HTML page or a PDF).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPalette, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QMessageBox, QPushButton, QSizePolicy, QTableView, QTextBrowser, QToolBar,
    QVBoxLayout, QWidget,
)

from desktop.errors import describe
from store import clock, words
from store.errors import OutputRefused
from store.locations import cannot_write, check_output
from store.workshop import Summary, summary_html

PROJECTOR = {  # near-black on white, saturated accents: readable from the back of a lit room
    "Window": "#ffffff", "WindowText": "#000000", "Base": "#ffffff", "AlternateBase": "#f1f3f6", "Text": "#000000",
    "Button": "#e8ebf0", "ButtonText": "#000000", "Highlight": "#0b3fa8", "HighlightedText": "#ffffff", "Link": "#0b3fa8",
    "PlaceholderText": "#333333", "Mid": "#7a7f88", "ToolTipBase": "#fffbe0", "ToolTipText": "#000000",
}
SCALE = 1.6  # type size against the desktop's, on a projector of 1080 lines or more
PROJECTOR_LINES = 1080
SMALLEST_SCALE = 1.2


def type_scale(lines: int) -> float:
    """The workshop's type against the desktop's on a screen of `lines` pixel rows. A projector throws
    its picture at one size whatever its resolution, so on fewer lines the type keeps its share of the
    picture's height (as readable from the back row) and the map and the run still fit."""
    return max(SMALLEST_SCALE, SCALE * min(1.0, lines / PROJECTOR_LINES))


def projector_palette() -> QPalette:
    palette = QPalette()
    for role, color in PROJECTOR.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    return palette


def projector_style(base_points: float, lines: int = PROJECTOR_LINES) -> str:
    """Large type everywhere, larger for the headline; thicker tab and header text."""
    size = round(base_points * type_scale(lines))
    return (f"QWidget {{ font-size: {size}pt; }}"
            f" #coverage-headline {{ font-size: {round(size * 1.45)}pt; font-weight: 700; }}"
            f" #workshop-clock {{ font-size: {round(size * 1.1)}pt; font-weight: 700; }}"
            f" #audit-question {{ font-size: {round(size * 1.4)}pt; font-weight: 700; }}"
            " QTabBar::tab { font-weight: 600; padding: 6px 14px; } QHeaderView::section { font-weight: 700; }"
            f" QTableView::indicator, QCheckBox::indicator {{ width: {size + 6}px; height: {size + 6}px; }}")


class WorkshopBar(QToolBar):
    """The session clock and what the room has done so far, with the workshop's actions."""

    endRequested = Signal()

    def __init__(self, parent=None):
        super().__init__("Workshop", parent)
        self.setObjectName("workshop-bar")
        self.setMovable(False)
        self.clock = QLabel(objectName="workshop-clock")
        self.progress = QLabel(objectName="workshop-progress")
        self.addWidget(self.clock)
        self.addSeparator()
        self.addWidget(self.progress)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.end_button = QPushButton("End Workshop", objectName="workshop-end")
        self.end_button.clicked.connect(self.endRequested)
        self.addWidget(self.end_button)


class WorkshopMode(QObject):
    """Switches a main window into the workshop and back, keeping what it changed to restore it."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self.started: dt.datetime | None = None
        self.snapshot = None
        self.summary_dialog: SummaryDialog | None = None
        self._restore: dict = {}
        self.bar = WorkshopBar(window)
        self.bar.hide()
        self.bar.endRequested.connect(self.end)
        self.timer = QTimer(self, interval=1000, timeout=self.tick)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)  # a row of its own, across the screen
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)

    def toggle(self) -> None:
        if self.active:
            self.end()
        else:
            self.start()

    def start(self) -> None:
        """Full screen for the room; where the brain stands now is kept, to compare with at the end."""
        if self.window.session is None or self.active:
            return
        self.window.workshop_action.setChecked(True)
        self.snapshot = None
        self.enter()

        def kept(start) -> None:
            self.snapshot = start
            self.tick()

        self.window.read(lambda reader: reader.workshop_start(), kept)

    def end(self) -> None:
        """Back to the desktop, and the session's summary."""
        if not self.active:
            return
        self.window.workshop_action.setChecked(False)
        self.leave()
        start = self.snapshot
        if start is not None and self.window.session is not None:
            self.window.read(lambda reader: reader.workshop_summary(start), self.show_summary)

    def show_summary(self, summary: Summary) -> SummaryDialog:
        if self.summary_dialog is not None:
            self.summary_dialog.deleteLater()
        self.summary_dialog = SummaryDialog(summary, self.window.vault, self.window)
        self.summary_dialog.show()
        return self.summary_dialog

    def enter(self) -> None:
        window = self.window
        self._restore = {"palette": window.palette(), "style": window.styleSheet(), "maximized": window.isMaximized(),
                         "docks": {dock: dock.isVisible() for dock in (window.problem_dock, window.session_log_dock)}}
        self._restore["map_split"] = window.map_and_run.map.splitter.sizes()
        self.active, self.started = True, clock.now_local()
        window.setPalette(projector_palette())
        base = window.font().pointSizeF() if window.font().pointSizeF() > 0 else 10
        window.setStyleSheet(projector_style(base, window.screen().geometry().height()))
        QTimer.singleShot(0, self._fit_tables)  # once the large type is in place
        QTimer.singleShot(0, self._map_first)
        for dock in self._restore["docks"]:
            dock.hide()
        window.pages.setCurrentWidget(window.map_and_run)
        self.bar.show()
        self._restore["geometry"] = window.saveGeometry()
        window.setGeometry(window.screen().geometry())  # without a window manager (a kiosk, Xvfb) full screen is only a wish
        window.showFullScreen()
        self.timer.start()
        self.tick()

    def leave(self) -> None:
        window = self.window
        self.timer.stop()
        self.bar.hide()
        window.setStyleSheet(self._restore.get("style", ""))
        window.setPalette(self._restore.get("palette", window.palette()))
        QTimer.singleShot(0, self._fit_tables)
        self.window.map_and_run.map.lists.setMinimumHeight(0)
        for dock, shown in self._restore.get("docks", {}).items():
            dock.setVisible(shown)
        if self._restore.get("maximized"):
            window.showMaximized()
        else:
            window.showNormal()
            if self._restore.get("geometry") is not None:
                window.restoreGeometry(self._restore["geometry"])
        self.active = False

    def _map_first(self) -> None:
        """Three quarters of the map page for the map itself: every area in view, for the room."""
        page = self.window.map_and_run.map
        page.lists.setMinimumHeight(page.lists.tabBar().sizeHint().height() if self.active else 0)  # on a short screen, the map first
        splitter = page.splitter
        total = sum(splitter.sizes())
        splitter.setSizes([total * 3 // 4, total - total * 3 // 4])

    def _fit_tables(self) -> None:
        """Rows and columns measured again for the type size now in use (lists keep fixed widths while they
        change, for speed; a change of type size is rare enough to measure once)."""
        for view in self.window.findChildren(QTableView):
            view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
            header = view.horizontalHeader()
            if view.objectName() == "heat-map":
                continue
            for column in range(header.count()):  # a stretched column shares out what the others leave
                if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
                    view.resizeColumnToContents(column)
        clock = self.window.map_and_run.run.clock_label
        clock.setFixedHeight(clock.fontMetrics().lineSpacing() * 2 + 4)

    def tick(self) -> None:
        if not self.started:
            return
        seconds = int((clock.now_local() - self.started).total_seconds())
        self.bar.clock.setText(f"Workshop  {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")
        report = self.window.map_and_run.map.report
        since = self.snapshot.started if self.snapshot else None
        written = len({e.path for e in self.window.session_log.model.rows if since is None or e.when >= since})
        before = f"{self.snapshot.overall:.0%} → " if self.snapshot else ""
        now = f"{report.overall:.0%}" if report else "…"
        self.bar.progress.setText(f"Brain {before}{now}  ·  {words.counted(written, 'note')} written  ·  Ctrl+N capture  ·  Ctrl+Shift+A audit")


class SummaryDialog(QDialog):
    """The summary as the room sees it, and saved to hand round: one HTML page, or a PDF."""

    def __init__(self, summary: Summary, vault: Path, parent=None):
        super().__init__(parent)
        self.vault = vault  # where the summary is never saved: only notes are written there
        self.setObjectName("workshop-summary")
        self.setWindowTitle("Workshop Summary")
        self.summary = summary
        self.html = summary_html(summary)
        self.view = QTextBrowser(objectName="summary-view")
        self.view.setOpenLinks(False)
        self.view.setHtml(self.html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        save_html = buttons.addButton("Save as HTML…", QDialogButtonBox.ButtonRole.ActionRole)
        save_pdf = buttons.addButton("Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        save_html.clicked.connect(lambda: self._choose(".html"))
        save_pdf.clicked.connect(lambda: self._choose(".pdf"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        screen = (parent or self).screen().availableGeometry()  # after a workshop it is often still on the projector: use it
        self.resize(min(max(900, screen.width() * 3 // 5), screen.width()), min(max(760, screen.height() * 9 // 10), screen.height()))
        self.view.zoomIn(max(0, (screen.height() - 800) // 140))  # larger type on a large screen: the room reads it too

    def default_name(self, suffix: str) -> str:
        return f"Workshop summary {self.summary.vault} {self.summary.started.astimezone():%Y-%m-%d %H%M}{suffix}"

    def _choose(self, suffix: str) -> None:
        kinds = {".html": "Web page (*.html)", ".pdf": "PDF (*.pdf)"}
        start = str(Path.home() / self.default_name(suffix))
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the workshop summary", start, kinds[suffix])
        if chosen:
            path = Path(chosen) if Path(chosen).suffix.lower() == suffix else Path(chosen + suffix)
            try:
                (self.save_html if suffix == ".html" else self.save_pdf)(path)
            except (OutputRefused, OSError) as exc:
                QMessageBox.warning(self, "Not saved", describe(exc, "saving the summary"))

    def save_html(self, path: Path) -> Path:
        check_output(path, self.vault, what="the summary")
        try:
            Path(path).write_text(self.html, encoding="utf-8")
        except OSError as exc:
            raise cannot_write(path, exc, "the summary") from None
        return Path(path)

    def save_pdf(self, path: Path) -> Path:
        """A4 portrait, the page as the app shows it."""
        check_output(path, self.vault, what="the summary")
        writer = QPdfWriter(str(path))
        writer.setTitle(f"Workshop summary: {self.summary.vault}")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15)))
        document = QTextDocument()
        document.setHtml(self.html)
        document.print_(writer)
        return Path(path)
