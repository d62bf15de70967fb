"""Search results: each hit as its title and a snippet with the matched words in bold."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate

from desktop.models.search import SNIPPET_ROLE

MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: no note text can fake a highlight


class SnippetDelegate(QStyledItemDelegate):
    """Laid-out snippets are kept until the results change: a list asks for each row's size often."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._laid_out: dict[tuple[int, int], QTextDocument] = {}

    def forget(self) -> None:
        self._laid_out.clear()

    def _document(self, option, index) -> QTextDocument:
        width = max(option.rect.width() - 8, 100)
        kept = self._laid_out.get((index.row(), width))
        if kept is not None:
            return kept
        title = html.escape(index.data(Qt.ItemDataRole.DisplayRole) or "")
        snippet = html.escape(index.data(SNIPPET_ROLE) or "").replace(MARK_START, "<b>").replace(MARK_END, "</b>")
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setHtml(f"<div><b>{title}</b><br><span style='font-size: small'>{snippet}</span></div>")
        document.setTextWidth(width)
        self._laid_out[(index.row(), width)] = document
        return document

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option_text, option.text = option.text, ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        option.text = option_text
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 2)
        painter.setClipRect(QRectF(0, 0, option.rect.width() - 4, option.rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()) + 6)


class SearchList(QListView):
    def __init__(self, parent=None, **properties):
        super().__init__(parent, **properties)
        self.snippets = SnippetDelegate(self)
        self.setItemDelegate(self.snippets)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelAboutToBeReset.connect(self.snippets.forget)
