"""The coverage map as Qt models: areas x motions as a heat map, and lists of judged notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop.models.notes import PATH_ROLE
from store.coverage import CoverageReport, NoteCoverage
from store.display import printable
from store.resolve import lookup_key
from store.words import STATES, counted, in_places, score_hex, word_for

CELL_ROLE = Qt.ItemDataRole.UserRole + 10  # (type, motion) of a heat-map cell
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 11  # True where the run is reading context right now
SCORE_ROLE = Qt.ItemDataRole.UserRole + 12

MAP_COLUMNS = (("all", "All"), ("b2b", "B2B"), ("b2c", "B2C"), ("shared", "Shared"))


def score_color(score: float | None) -> QColor:
    """The map's one scale (`store.words.score_hex`); transparent where there is nothing to judge."""
    return QColor(0, 0, 0, 0) if score is None else QColor(score_hex(score))


def in_cell(note: NoteCoverage, kind: str, motion: str) -> bool:
    return note.type == kind and (motion == "all" or note.motion == motion)


class CoverageMapModel(QAbstractTableModel):
    """One row per area (note type) of the blueprint, one column per motion; a cell is the mean
    score of its notes. Cells holding a note the run is reading are highlighted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.report: CoverageReport | None = None
        self._rows: list[tuple[str, str]] = []  # (type, label)
        self._cells: dict[tuple[str, str], object] = {}  # (type, motion) -> AreaCoverage
        self._notes: list[NoteCoverage] = []
        self._cells_by_path: dict[str, set[tuple[str, str]]] = {}
        self._cells_by_unwritten: dict[str, set[tuple[str, str]]] = {}  # lookup key of a known unknown's name -> its cells
        self._lit: set[tuple[str, str]] = set()
        self._highlight: frozenset[str] = frozenset()

    def set_report(self, report: CoverageReport) -> None:
        rows = list(dict.fromkeys((a.type, a.label) for a in report.areas))
        if rows != self._rows:
            self.beginResetModel()
            self._apply(report, rows)
            self.endResetModel()
        else:
            self._apply(report, rows)
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(0, self.rowCount() - 1))

    def _apply(self, report: CoverageReport, rows: list[tuple[str, str]]) -> None:
        self.report, self._rows = report, rows
        self._cells = {(a.type, a.motion): a for a in report.areas}
        self._notes = [*report.notes, *report.known_unknowns]
        self._cells_by_path = {n.path: {(n.type, "all"), (n.type, n.motion)} for n in self._notes if n.path}
        self._cells_by_unwritten = {lookup_key(n.title): {(n.type, "all"), (n.type, n.motion)} for n in report.known_unknowns}
        self._lit = self._cells_of(self._highlight)

    def set_highlight(self, paths: Sequence[str]) -> None:
        self._highlight = frozenset(paths)
        lit = self._cells_of(self._highlight)
        if lit != self._lit:
            self._lit = lit
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1), [HIGHLIGHT_ROLE])

    def highlighted_cells(self) -> set[tuple[str, str]]:
        return set(self._lit)

    def _cells_of(self, keys: frozenset[str]) -> set[tuple[str, str]]:
        """The cells of the notes a run reads: a note's path, or a note nobody wrote, named "unwritten:NAME"
        or by its name as linked; that one lights the cells of the area its links say it would belong to."""
        cells: set[tuple[str, str]] = set()
        for key in keys:
            found = self._cells_by_path.get(key)
            if found is None:
                # a name written since (the report no longer knows it as unwritten) lights nothing
                found = self._cells_by_unwritten.get(lookup_key(key.removeprefix("unwritten:")), set())
            cells |= found
        return cells

    def notes_in(self, kind: str, motion: str) -> list[NoteCoverage]:
        return sorted((n for n in self._notes if in_cell(n, kind, motion)), key=lambda n: (n.score, n.title.casefold()))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(MAP_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return MAP_COLUMNS[section][1] if 0 <= section < len(MAP_COLUMNS) else None
        return self._rows[section][1] if 0 <= section < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        kind = self._rows[index.row()][0]
        motion = MAP_COLUMNS[index.column()][0]
        area = self._cells.get((kind, motion))
        if role == CELL_ROLE:
            return (kind, motion)
        if role == HIGHLIGHT_ROLE:
            return (kind, motion) in self._lit
        if area is not None and not area.total and motion == "all":  # an area of the blueprint with no note at all: a gap
            return self._empty_area(area, index, role)
        if area is None or not area.total:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{area.score:.0%}\n{self._written(area)}"
        if role == SCORE_ROLE:
            return area.score
        if role == Qt.ItemDataRole.BackgroundRole:
            return score_color(area.score)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [STATES[state].count(n) for state, n in area.counts.items() if n]
            return f"{self._rows[index.row()][1]} · {MAP_COLUMNS[index.column()][1]}: {area.score:.0%}\n" + ", ".join(parts)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None


    @staticmethod
    def _written(area) -> str:
        """The notes a cell holds, as the note list counts them: a known unknown is no note yet (it scores 0
        in the cell's share and is named in its tooltip and its list)."""
        written = area.total - area.counts.get("known_unknown", 0)
        return counted(written, "note") if written else "none written"

    def _empty_area(self, area, index, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return "0%\nnone written"
        if role == SCORE_ROLE:
            return 0.0
        if role == Qt.ItemDataRole.BackgroundRole:
            return score_color(0.0)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{area.label}: no note written or linked to yet; the blueprint asks for them"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None


class Column:
    """One column of a `RowsModel`: its header and how to read a row."""

    def __init__(self, header: str, value: Callable[[object], object], tip: Callable[[object], str] | None = None):
        self.header, self.value, self.tip = header, value, tip


class RowsModel(QAbstractTableModel):
    """A read-only table of plain rows; `path_of(row)` gives the note a row opens."""

    def __init__(self, columns: Sequence[Column], path_of: Callable[[object], str | None], parent=None):
        super().__init__(parent)
        self.columns, self.path_of = list(columns), path_of
        self.rows: list = []
        self._rows_of: dict[str, list[int]] = {}
        self._highlight: frozenset[str] = frozenset()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._rows_of: dict[str, list[int]] = {}
        for number, row in enumerate(self.rows):
            self._rows_of.setdefault(self.path_of(row), []).append(number)
        self.endResetModel()

    def show_first(self, rows: Sequence, count: int) -> None:
        """Show the first `count` of `rows`: appended when they continue what is shown (a run
        stepping forward), replaced otherwise."""
        shown = len(self.rows)
        if count > shown and list(rows[:shown]) == self.rows:
            self.beginInsertRows(QModelIndex(), shown, count - 1)
            for number, row in enumerate(rows[shown:count], start=shown):
                self.rows.append(row)
                self._rows_of.setdefault(self.path_of(row), []).append(number)
            self.endInsertRows()
        elif count != shown or list(rows[:count]) != self.rows:
            self.set_rows(rows[:count])

    def set_highlight(self, paths: Sequence[str]) -> None:
        """Bold the rows of these notes; only rows that change are repainted (lists run to thousands)."""
        fresh = frozenset(paths)
        changed, self._highlight = fresh ^ self._highlight, fresh
        for path in changed:
            for number in self._rows_of.get(path, ()):
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(self.columns) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section].header
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:  # titles and paths from the disk may hold control and bidi characters
            value = column.value(row)
            return "" if value is None else printable(str(value))
        if role == PATH_ROLE:
            return self.path_of(row)
        if role == HIGHLIGHT_ROLE:
            return self.path_of(row) in self._highlight
        if role == Qt.ItemDataRole.ToolTipRole and column.tip:
            return printable(column.tip(row))
        if role == Qt.ItemDataRole.FontRole and self.path_of(row) in self._highlight:
            return self._bold
        return None


def note_columns() -> list[Column]:
    """Columns for a list of judged notes: what it is, how complete, what is missing, where it lives."""
    return [
        Column("Note", lambda n: n.title, lambda n: n.path or "not written yet"),
        Column("State", lambda n: word_for(STATES, n.state)),
        Column("Score", lambda n: f"{n.score:.0%}"),
        Column("Missing", lambda n: "; ".join(n.missing), lambda n: "\n".join(n.missing)),
        Column("Lives in", lambda n: ", ".join(n.lives_in)),
    ]


def trapped_why(note: NoteCoverage) -> str:
    """Why a note is on the Trapped list, even a complete one: where it lives, nobody else can read it."""
    how = "complete" if note.state == "covered" else word_for(STATES, note.state)
    return f"{how}, but only in {in_places(note.lives_in)}: one person leaving loses it"


def trapped_columns() -> list[Column]:
    """A trapped note's columns: why it is trapped comes second, where a narrow pane still shows it."""
    note, *rest = note_columns()
    return [note, Column("Why it is here", trapped_why, lambda n: f"{trapped_why(n)}; no agent or teammate can read it there"), *rest]
