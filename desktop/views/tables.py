"""Read-only lists of rows, the choices beside them, and how the coverage map and the run stack them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from desktop.models.notes import PATH_ROLE


class RowList(QTableView):
    """Columns fit their contents when the rows are replaced, not on every change of a row, and
    only once the list is on screen: measuring a hidden list reads every row (30,000 calls into
    Python for the map's lists) and ResizeToContents re-measures on each change."""

    def __init__(self, model, name: str):
        super().__init__(objectName=name)
        self.setModel(model)
        self._fit_pending = True
        # After the reset is laid out: before, the view cannot tell which rows are on screen.
        model.modelReset.connect(lambda: QTimer.singleShot(0, self, self._fit))

    def _fit(self) -> None:
        self._fit_pending = not self.isVisible()
        if not self._fit_pending:  # a column that stretches or sizes itself keeps doing so (resizeColumnsToContents undoes that)
            header = self.horizontalHeader()
            for column in range(header.count()):
                if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive:
                    self.resizeColumnToContents(column)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_pending:
            self._fit()


def row_list(model, name: str, open_note: Callable[[str], None]) -> QTableView:
    """A table of whole rows, one selected at a time; Enter or a double-click opens the row's note."""
    view = RowList(model, name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)

    def opened(index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            open_note(path)

    view.activated.connect(opened)
    view.doubleClicked.connect(opened)
    return view


def over_under(top: list[tuple[QWidget, int]], bottom: QWidget, ratio: tuple[int, int] = (1, 1)) -> QSplitter:
    """A vertical splitter: `top` widgets stacked (with their stretch) above `bottom`."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    upper = QWidget()
    layout = QVBoxLayout(upper)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget, stretch in top:
        layout.addWidget(widget, stretch)
    splitter.addWidget(upper)
    splitter.addWidget(bottom)
    splitter.setStretchFactor(0, ratio[0])
    splitter.setStretchFactor(1, ratio[1])
    return splitter


def fill_choices(box: QComboBox, wanted: list[tuple[str, str]]) -> None:
    """Offer (data, text) choices, keeping the chosen one when it is still offered; quietly, so a
    refresh is not taken for the person choosing."""
    if [(box.itemData(i), box.itemText(i)) for i in range(box.count())] == wanted:
        return
    chosen = box.currentData()
    box.blockSignals(True)
    box.clear()
    for data, text in wanted:
        box.addItem(text, data)
    box.setCurrentIndex(max(0, box.findData(chosen)))
    box.blockSignals(False)


def headline(name: str, scale: float) -> QLabel:
    """A bold, larger label that wraps: a page's headline or a question put to the room."""
    label = QLabel(objectName=name, wordWrap=True, textFormat=Qt.TextFormat.PlainText)  # it may quote a note's title
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label
