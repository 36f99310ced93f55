"""The one base of every table in kpidesk: columns declared once, rows replaced in one reset.

A table names its columns as `Column`s (header, what a cell shows, how it sorts, its alignment,
tooltip and colours); the base answers Qt's questions from them. Sorting is a Python key-sort
in the model itself (a proxy sort would call back into Python for every comparison, seconds at
100,000 rows) by one sort role, and text is ordered by `QCollator` for the app's language
(Danish æ, ø, å after z, "aa" as å; English locale-aware), not by a hand-written key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole  # the row's id (getattr(row, "id"))
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row itself (a service dataclass or tuple)
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2  # "green" | "amber" | "red" | None
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # the plain Python value a column sorts by

ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)

_ROOT = QModelIndex()
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
# Plain ints: comparing with them costs no enum lookup in the per-cell paths.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_SORT = int(SORT_ROLE)
_ROW = int(ROW_ROLE)
_ID = int(ID_ROLE)
_LEVEL = int(LEVEL_ROLE)

Cell = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """One column: its header and, per row, what the cell shows and how it sorts.

    `sort` gives a plain Python key; without one the column sorts by its displayed text.
    With `collate` (the default when there is no `sort`) the key is text ordered by the
    language's collation. An empty key (None, or "" when collated) sorts last either way.
    """

    header: str
    display: Callable[[R], str]
    sort: Callable[[R], Any] | None = None
    collate: bool | None = None
    align: int = ALIGN_LEFT
    tooltip: Callable[[R], str | None] | None = None
    foreground: Callable[[R], QColor | None] | None = None
    background: Callable[[R], Any] | None = None
    level: Callable[[R], str | None] | None = None
    header_tooltip: str | None = None

    def sort_key(self, row: R) -> Any:
        return self.display(row) if self.sort is None else self.sort(row)

    @property
    def collated(self) -> bool:
        return self.sort is None if self.collate is None else self.collate


def collator(locale: QLocale | None = None) -> QCollator:
    """The text order of `locale` (the app's default locale if none is given)."""
    return QCollator(locale if locale is not None else QLocale())


def collation_ranks(texts: Iterable[str], locale: QLocale | None = None) -> dict[str, int]:
    """Each distinct text's place in the language's order, as an int to sort rows by.

    Ranking the distinct texts once keeps a 100,000-row sort a sort of ints; texts the
    collation calls equal keep their code-point order, so a sort is the same every time.
    """
    order = collator(locale)
    distinct = sorted(sorted(set(texts)), key=order.sortKey)
    return {text: rank for rank, text in enumerate(distinct)}


def sort_texts(texts: Iterable[str], locale: QLocale | None = None) -> list[str]:
    """`texts` in the language's order (Danish: … z, æ, ø, å; "aa" as å)."""
    items = list(texts)
    ranks = collation_ranks(items, locale)
    return sorted(items, key=ranks.__getitem__)


_muted_cache: dict[int, QColor] = {}


def muted_colour() -> QColor:
    """The palette's placeholder colour (follows dark mode), computed once per palette."""
    palette = QGuiApplication.palette()
    colour = _muted_cache.get(palette.cacheKey())
    if colour is None:
        # Copy the colour: color() returns a reference into the palette.
        colour = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        _muted_cache.clear()
        _muted_cache[palette.cacheKey()] = colour
    return colour


class TableModel(QAbstractTableModel, Generic[R]):
    """A read-only table of rows; a subclass declares its `Column`s with `set_columns`.

    Whole rows may be muted (`is_muted`: cancelled, inactive). The last sort is kept: new rows
    are sorted the way the person last chose.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[Column[R]] = []
        self._column_count = 0  # len(_columns): columnCount and index are called very often
        self._rows: list[R] = []
        self._search: list[str] | None = None
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None
        self.generation = 0  # bumped whenever rows change place, so filters recompute

    # --- what subclasses provide -------------------------------------------------------------
    def set_columns(self, columns: Sequence[Column[R]]) -> None:
        """Declare the columns (in a reset when they change with the rows, as the team's)."""
        self._columns = list(columns)
        self._column_count = len(self._columns)

    def search_text(self, row: R) -> str:
        """What a search box matches against (lower case): the row's displayed texts."""
        return " ".join(column.display(row) for column in self._columns).casefold()

    def is_muted(self, row: R) -> bool:
        return False

    def row_id(self, row: R) -> Any:
        return getattr(row, "id", None)

    # --- rows ----------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R], columns: Sequence[Column[R]] | None = None) -> None:
        """Replace every row (and the columns, if given) in one reset; they are sorted as the
        table was last sorted."""
        self.beginResetModel()
        if columns is not None:
            self.set_columns(columns)
        self._rows = list(rows)
        self._search = None
        self.generation += 1
        if self._sorted_by is not None and self._sorted_by[0] < self._column_count:
            self._rows = self._sorted(self._rows, *self._sorted_by)
        self.endResetModel()

    def columns(self) -> list[Column[R]]:
        return self._columns

    def rows(self) -> list[R]:
        return self._rows

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def row_item(self, row: int) -> R | None:
        """The row's item, or None outside the table."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, item_id: Any) -> int:
        """The row number of the item with this id, or -1."""
        for number, row in enumerate(self._rows):
            if self.row_id(row) == item_id:
                return number
        return -1

    def search_texts(self) -> list[str]:
        if self._search is None:
            self._search = [self.search_text(row) for row in self._rows]
        return self._search

    # --- QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._column_count

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self._column_count:
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return column.header
        if role == _TOOLTIP:
            return column.header_tooltip
        if role == _ALIGNMENT and column.align != ALIGN_LEFT:
            return column.align
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), int(role))

    def cell(self, row: R, column_number: int, role: int) -> Any:
        """What `data` answers for a row's cell (subclasses add roles of their own)."""
        if column_number >= self._column_count:
            return None
        column = self._columns[column_number]
        if role == _DISPLAY:
            return column.display(row)
        if role == _TOOLTIP:
            return column.tooltip(row) if column.tooltip is not None else None
        if role == _ALIGNMENT:
            return column.align
        if role == _FOREGROUND:
            colour = column.foreground(row) if column.foreground is not None else None
            if colour is None and self.is_muted(row):
                return muted_colour()
            return colour
        if role == _BACKGROUND:
            return column.background(row) if column.background is not None else None
        if role == _LEVEL:
            return column.level(row) if column.level is not None else None
        if role == _SORT:
            return column.sort_key(row)
        if role == _ROW:
            return row
        if role == _ID:
            return self.row_id(row)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        """One Python call where Qt's hasIndex() would make two (rowCount and columnCount)."""
        if 0 <= row < len(self._rows) and 0 <= column < self._column_count:
            if not parent.isValid():
                return self.createIndex(row, column)
        return QModelIndex()

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan) -> None:  # noqa: N803
        """Every role a delegate asks for a cell in one call (Qt 6 asks seven, one by one)."""
        if index.isValid():
            self.fill_roles(index.row(), index.column(), roleDataSpan)

    def fill_roles(self, row_number: int, column: int, span: QModelRoleDataSpan) -> None:
        """What data() answers, for the roles in `span` (the scrolling hot path)."""
        if row_number >= len(self._rows) or column >= self._column_count:
            return
        row = self._rows[row_number]
        for i in range(len(span)):
            item = span[i]
            value = self.cell(row, column, item.role())
            if value is not None:
                item.setData(value)

    # --- sorting -------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """One Python key-sort; persistent indexes (the selection) follow their rows."""
        if not 0 <= column < self._column_count:
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        rows = self._rows
        positions = self._sorted(list(range(len(rows))), column, order, rows)
        new_place = [0] * len(rows)
        for new, old in enumerate(positions):
            new_place[old] = new
        self._rows = [rows[i] for i in positions]
        if self._search is not None:
            self._search = [self._search[i] for i in positions]
        self.generation += 1
        old_indexes = self.persistentIndexList()
        self.changePersistentIndexList(
            old_indexes,
            [self.index(new_place[i.row()], i.column()) for i in old_indexes],
        )
        self.layoutChanged.emit()

    def _sorted(
        self, items: list[Any], column: int, order: Qt.SortOrder, rows: list[R] | None = None
    ) -> list[Any]:
        """`items` (rows, or positions into `rows`) in the column's order, empty keys last."""
        spec = self._columns[column]
        source = rows if rows is not None else items
        keys: list[Any] = [spec.sort_key(row) for row in source]
        if spec.collated:
            ranks = collation_ranks(k for k in keys if k)
            keys = [ranks[k] if k else None for k in keys]
        # Empty cells go last in either direction; the sort is stable within equal keys.
        numbers = sorted((i for i, k in enumerate(keys) if k is not None), key=keys.__getitem__,
                         reverse=order == Qt.SortOrder.DescendingOrder)  # fmt: skip
        numbers += [i for i, k in enumerate(keys) if k is None]
        return [items[i] for i in numbers]


class RowFilterProxy(QSortFilterProxyModel, Generic[R]):
    """Filters a TableModel by a search text and a row predicate; sorting goes to the source.


    The mask is computed once per change (a list comprehension), so filterAcceptsRow is a
    list lookup; it is recomputed whenever the source's rows change place.
    """

    def __init__(self, source: TableModel[R], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._text = ""
        self._predicate: Callable[[R], bool] | None = None
        self._mask: list[bool] | None = None
        self._mask_generation = -1
        self.setSourceModel(source)

    def source(self) -> TableModel[R]:
        return self._source

    def set_text(self, text: str) -> None:
        """Show only rows whose names contain every word of `text` (case-insensitive)."""
        text = " ".join(text.casefold().split())
        if text != self._text:
            self._text = text
            self._refilter()

    def set_predicate(self, predicate: Callable[[R], bool] | None) -> None:
        self._predicate = predicate
        self._refilter()

    def _refilter(self) -> None:
        self._mask = None
        # A full rebuild: filtering 100,000 rows incrementally removes them range by range.
        self.invalidate()

    def _compute_mask(self) -> list[bool]:
        rows = self._source.rows()
        predicate = self._predicate
        words = self._text.split()
        mask = [True] * len(rows) if predicate is None else [predicate(r) for r in rows]
        if words:
            texts = self._source.search_texts()
            mask = [m and all(w in t for w in words) for m, t in zip(mask, texts, strict=True)]
        return mask

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._mask is None or self._mask_generation != self._source.generation:
            self._mask = self._compute_mask()
            self._mask_generation = self._source.generation
        return source_row < len(self._mask) and self._mask[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan) -> None:  # noqa: N803
        """A cell's roles in one call; unfiltered, proxy rows are the source's (sorting happens
        in the source), so painting a cell costs two Python calls (this and flags), not 24."""
        if not index.isValid():
            return
        if self._predicate is None and not self._text:
            self._source.fill_roles(index.row(), index.column(), roleDataSpan)
            return
        source = self.mapToSource(index)
        if source.isValid():
            self._source.fill_roles(source.row(), source.column(), roleDataSpan)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def accepted_count(self) -> int:
        return self.rowCount()
