"""Saving what a view shows as PNG, SVG or PDF: for a slide, a wiki page or a printed handout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QPoint, QRect, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QWidget

from store import clock
from store.errors import SubstrateError
from store.locations import check_output, documents_dir

FORMATS = {".png": "PNG image (*.png)", ".svg": "SVG drawing (*.svg)", ".pdf": "PDF document (*.pdf)"}


class ExportError(SubstrateError):
    pass


def export_widget(widget: QWidget, path: Path, title: str = "Substrate", vault: Path | None = None) -> Path:
    """Draw `widget` as it is on screen into `path`, never inside `vault`; the format follows the file's suffix."""
    path = Path(path)
    check_output(path, vault, what="the image")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"Substrate can save a view as PNG, SVG or PDF, not as “{path.suffix or 'no suffix'}”.")
    if suffix == ".png":
        saved = widget.grab().save(str(path), "PNG")
    elif suffix == ".svg":
        saved = _svg(widget, path, title)
    else:
        saved = _pdf(widget, path, title)
    if not saved or not path.exists():
        raise ExportError(f"Could not write {path}: check that the folder exists and you may write to it.")
    return path


def export_view(window, part: str, path: Path | None = None) -> Path | None:
    """Save the map, the run or both as PNG, SVG or PDF (asked for when `path` is None)."""
    widget = {"map-and-run": window.map_and_run, "map": window.map_and_run.left.currentWidget(), "run": window.map_and_run.run}[part]
    window.pages.setCurrentWidget(window.map_and_run)
    if path is None:
        name = f"{window.vault.name if window.vault else 'Substrate'} {part.replace('-', ' ')} {clock.today()}.png"
        chosen, _filter = QFileDialog.getSaveFileName(window, "Export", str(documents_dir() / name), ";;".join(FORMATS.values()))
        if not chosen:
            return None
        path = Path(chosen)
    try:
        saved = export_widget(widget, path, f"Substrate — {part.replace('-', ' ')}", window.vault)
    except Exception as exc:  # a full disk or a folder one may not write to: said in words
        window.show_error(exc, "exporting")
        return None
    window.message_bar.show_message(f"Saved {saved.name} in {saved.parent}.", "info")
    return saved


def _svg(widget: QWidget, path: Path, title: str) -> bool:
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(widget.size())
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(title)
    generator.setDescription("Exported from Substrate")
    return _paint(generator, lambda painter: widget.render(painter, QPoint(0, 0)))


def _pdf(widget: QWidget, path: Path, title: str) -> bool:
    """One page the shape of the view (landscape for a wide one), the view scaled to fill it."""
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Substrate")
    writer.setResolution(96)
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(widget.width(), widget.height()), QPageSize.Unit.Point),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    scale = min(page.width() / max(1, widget.width()), page.height() / max(1, widget.height()))

    def draw(painter: QPainter) -> None:
        painter.scale(scale, scale)
        widget.render(painter, QPoint(0, 0))

    return _paint(writer, draw)


def _paint(device, draw) -> bool:
    """Begin, draw, and always end: a painter left open on a device crashes Qt when it goes."""
    painter = QPainter()
    if not painter.begin(device):
        return False
    try:
        draw(painter)
    finally:
        ended = painter.end()
    return ended
