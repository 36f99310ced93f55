"""Qt table models over the CRM's plain rows: companies, activities, opportunities.

Rows are replaced in one reset; sorting is a Python key-sort in the source model (a proxy
sort would call back into Python for every comparison, seconds at 100,000 rows), and the
filter proxy answers each row from a mask computed in one pass over the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTime,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from kpidesk.services.crm import ActivityRow, CompanyRow, OpportunityRow

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a plain Python value that orders the column
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole row tuple

_ROOT = QModelIndex()
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
# Plain ints: comparing with them costs no enum lookup in the per-cell paths.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
# Danish collation puts æ, ø, å after z; code points order them å, æ, ø.
_DANISH_ORDER = str.maketrans({"æ": "z\U0010fff1", "ø": "z\U0010fff2", "å": "z\U0010fff3",
                               "ä": "z\U0010fff1", "ö": "z\U0010fff2"})  # fmt: skip


_collation = {"aa_is_å": False}


def use_danish_collation(on: bool) -> None:
    """In Danish, "aa" sorts as "å" (Aabenraa after Viborg); other languages sort it as a."""
    _collation["aa_is_å"] = on


def text_key(value: str) -> str:
    """A sort key for names that reads right to Danish eyes (and is harmless in English)."""
    key = value.casefold()
    if _collation["aa_is_å"]:
        key = key.replace("aa", "å")
    return key.translate(_DANISH_ORDER)


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _qtime(value: dt.datetime) -> QTime:
    return QTime(value.hour, value.minute)


_muted_cache: dict[int, QColor] = {}


def _muted() -> QColor:
    """The palette's placeholder colour, computed once per palette."""
    palette = QGuiApplication.palette()
    colour = _muted_cache.get(palette.cacheKey())
    if colour is None:
        # Copy the colour: color() returns a reference into the palette.
        colour = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        _muted_cache.clear()
        _muted_cache[palette.cacheKey()] = colour
    return colour


class RowTableModel(QAbstractTableModel, Generic[R]):
    """A read-only table of row tuples; subclasses name their columns and format cells."""

    RIGHT_ALIGNED: frozenset[int] = frozenset()
    COLUMN_COUNT = 0  # len(titles()), kept as a constant: columnCount is called very often

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._search: list[str] | None = None
        self.generation = 0  # bumped whenever rows change place, so filters recompute

    # --- what subclasses provide -------------------------------------------------------------
    def titles(self) -> Sequence[str]:
        """Column titles, translated; their count is the column count."""
        return ()

    def display(self, row: R, column: int) -> str:
        return str(row[column])  # type: ignore[index]

    def sort_key(self, row: R, column: int) -> Any:
        return row[column]  # type: ignore[index]

    def search_text(self, row: R) -> str:
        """What the search box matches against (lower case)."""
        return " ".join(v for v in row if isinstance(v, str)).casefold()  # type: ignore[attr-defined]

    def is_muted(self, row: R) -> bool:
        return False

    # --- rows ----------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._search = None
        self.generation += 1
        self.endResetModel()

    def rows(self) -> list[R]:
        return self._rows

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def search_texts(self) -> list[str]:
        if self._search is None:
            self._search = [self.search_text(row) for row in self._rows]
        return self._search

    # --- QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < self.COLUMN_COUNT:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.titles()[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in self.RIGHT_ALIGNED:
                return _ALIGN_RIGHT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            return self.display(row, column)
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_RIGHT if column in self.RIGHT_ALIGNED else _ALIGN_LEFT
        if role == Qt.ItemDataRole.ForegroundRole and self.is_muted(row):
            return _muted()
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        """One Python call where Qt's hasIndex() would make two (rowCount and columnCount)."""
        if 0 <= row < len(self._rows) and 0 <= column < self.COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan) -> None:  # noqa: N803
        """Every role a delegate asks for a cell in one call (Qt 6 asks seven, one by one)."""
        if index.isValid():
            self.fill_roles(index.row(), index.column(), roleDataSpan)

    def fill_roles(self, row_number: int, column: int, span: QModelRoleDataSpan) -> None:
        """What data() answers, for the roles in `span` (the scrolling hot path)."""
        if row_number >= len(self._rows):
            return
        row = self._rows[row_number]
        for i in range(len(span)):
            item = span[i]
            role = item.role()
            if role == _DISPLAY or role == _TOOLTIP:
                item.setData(self.display(row, column))
            elif role == _ALIGNMENT:
                item.setData(_ALIGN_RIGHT if column in self.RIGHT_ALIGNED else _ALIGN_LEFT)
            elif role == _FOREGROUND and self.is_muted(row):
                item.setData(_muted())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """One Python key-sort; persistent indexes (the selection) follow their rows."""
        if not 0 <= column < self.columnCount():
            return
        use_danish_collation(QLocale().language() == QLocale.Language.Danish)
        self.layoutAboutToBeChanged.emit()
        rows = self._rows
        keys = [self.sort_key(row, column) for row in rows]
        # Empty cells go last in either direction; the sort is stable within equal keys.
        order_ = sorted((i for i, k in enumerate(keys) if k is not None), key=keys.__getitem__,
                        reverse=order == Qt.SortOrder.DescendingOrder)  # fmt: skip
        order_ += [i for i, k in enumerate(keys) if k is None]
        new_place = [0] * len(rows)
        for new, old in enumerate(order_):
            new_place[old] = new
        self._rows = [rows[i] for i in order_]
        if self._search is not None:
            self._search = [self._search[i] for i in order_]
        self.generation += 1
        old_indexes = self.persistentIndexList()
        self.changePersistentIndexList(
            old_indexes,
            [self.index(new_place[i.row()], i.column()) for i in old_indexes],
        )
        self.layoutChanged.emit()


def _date_text(value: dt.date | None, locale: QLocale) -> str:
    return locale.toString(_qdate(value), QLocale.FormatType.ShortFormat) if value else ""


def _datetime_text(value: dt.datetime | None, locale: QLocale) -> str:
    if value is None:
        return ""
    return f"{_date_text(value.date(), locale)} {locale.toString(_qtime(value), 'HH:mm')}"


def crm_key_order(key: str) -> tuple[int, int, str]:
    """Whole-number keys in number order (2 before 10), then text keys as text."""
    if key.isascii() and key.isdigit():
        return (0, int(key), key)
    return (1, 0, key)


class CompanyModel(RowTableModel[CompanyRow]):
    COL_ID = 0
    COL_NAME = 1
    COL_CUSTOMER = 2
    COL_KAM = 3
    RIGHT_ALIGNED: frozenset[int] = frozenset()  # CRM keys are text (UUIDs, 001…AAV)
    COLUMN_COUNT = 4

    def titles(self) -> Sequence[str]:
        return (self.tr("CRM id"), self.tr("Company"), self.tr("Customer"),
                self.tr("Key account manager"))  # fmt: skip

    def display(self, row: CompanyRow, column: int) -> str:
        if column == self.COL_ID:
            return row.crm_key  # the CRM's own id, as in the CRM (kpidesk's id is internal)
        if column == self.COL_NAME:
            return row.name
        if column == self.COL_CUSTOMER:
            return self.tr("Yes") if row.is_customer else self.tr("No")
        if column == self.COL_KAM:
            return row.kam_name or ""
        return ""

    def sort_key(self, row: CompanyRow, column: int) -> Any:
        if column == self.COL_ID:
            return crm_key_order(row.crm_key)
        if column == self.COL_NAME:
            return text_key(row.name)
        if column == self.COL_CUSTOMER:
            return not row.is_customer
        if column == self.COL_KAM:
            return text_key(row.kam_name) if row.kam_name else None
        return None

    def search_text(self, row: CompanyRow) -> str:
        return f"{row.crm_key} {row.name} {row.kam_name or ''} {row.kam_login or ''}".casefold()

    def is_muted(self, row: CompanyRow) -> bool:
        return not row.is_customer


class ActivityModel(RowTableModel[ActivityRow]):
    """A calendar-like list: weekday and date, the time span, then what and with whom."""

    COL_DATE = 0
    COL_TIME = 1
    COL_TYPE = 2
    COL_STATUS = 3
    COL_COMPANY = 4
    COL_OWNER = 5
    COL_PARTICIPANTS = 6
    COLUMN_COUNT = 7

    def titles(self) -> Sequence[str]:
        return (self.tr("Date"), self.tr("Time"), self.tr("Type"), self.tr("Status"),
                self.tr("Company"), self.tr("Owner"), self.tr("Participants"))  # fmt: skip

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Texts many rows share, formatted once per load (scrolling formats nothing twice).
        self._days: dict[dt.date, str] = {}
        self._spans: dict[tuple[int, int, int, int], str] = {}
        self._statuses: dict[str, str] = {}

    def set_rows(self, rows: Sequence[ActivityRow]) -> None:
        self._days, self._spans, self._statuses = {}, {}, {}
        super().set_rows(rows)

    def status_text(self, status: str) -> str:
        text = self._statuses.get(status)
        if text is None:
            names = {"planned": self.tr("Planned"), "done": self.tr("Done"),
                     "cancelled": self.tr("Cancelled")}  # fmt: skip
            text = self._statuses[status] = names.get(status, status)
        return text

    def day_text(self, date: dt.date) -> str:
        """The weekday and the date, e.g. `man. 30.11.2026`."""
        text = self._days.get(date)
        if text is None:
            locale = QLocale()
            text = f"{locale.toString(_qdate(date), 'ddd')} {_date_text(date, locale)}"
            self._days[date] = text
        return text

    def span_text(self, start: dt.datetime, end: dt.datetime | None) -> str:
        """`09:00–10:00`, or the start alone for an activity without a (later) end."""
        until = end if end is not None and end > start else start
        key = (start.hour, start.minute, until.hour, until.minute)
        text = self._spans.get(key)
        if text is None:
            locale = QLocale()
            text = locale.toString(_qtime(start), "HH:mm")
            if until is not start:
                text = f"{text}–{locale.toString(_qtime(until), 'HH:mm')}"
            self._spans[key] = text
        return text

    def display(self, row: ActivityRow, column: int) -> str:
        if column == self.COL_DATE:
            return self.day_text(row.start_at.date())
        if column == self.COL_TIME:
            return self.span_text(row.start_at, row.end_at)
        if column == self.COL_TYPE:
            return row.type
        if column == self.COL_STATUS:
            return self.status_text(row.status)
        if column == self.COL_COMPANY:
            return row.company or ""
        if column == self.COL_OWNER:
            return row.owner or ""
        if column == self.COL_PARTICIPANTS:
            return row.participants
        return ""

    def sort_key(self, row: ActivityRow, column: int) -> Any:
        if column in (self.COL_DATE, self.COL_TIME):
            return (row.start_at, row.id)
        if column == self.COL_TYPE:
            return text_key(row.type)
        if column == self.COL_STATUS:
            return ("planned", "done", "cancelled").index(row.status) if row.status in (
                "planned", "done", "cancelled") else 3  # fmt: skip
        if column == self.COL_COMPANY:
            return text_key(row.company) if row.company else None
        if column == self.COL_OWNER:
            return text_key(row.owner) if row.owner else None
        if column == self.COL_PARTICIPANTS:
            return text_key(row.participants) if row.participants else None
        return None

    def search_text(self, row: ActivityRow) -> str:
        return f"{row.type} {row.company or ''} {row.owner or ''} {row.participants}".casefold()

    def is_muted(self, row: ActivityRow) -> bool:
        return row.status == "cancelled"


class OpportunityModel(RowTableModel[OpportunityRow]):
    COL_NAME = 0
    COL_COMPANY = 1
    COL_OWNER = 2
    COL_AMOUNT = 3
    COL_STAGE = 4
    COL_CREATED = 5
    COL_EXPECTED_CLOSE = 6
    COL_CLOSED = 7
    RIGHT_ALIGNED = frozenset({COL_AMOUNT})
    COLUMN_COUNT = 8

    def titles(self) -> Sequence[str]:
        return (self.tr("Opportunity"), self.tr("Company"), self.tr("Owner"), self.tr("Amount"),
                self.tr("Stage"), self.tr("Created"), self.tr("Expected close"),
                self.tr("Closed"))  # fmt: skip

    def stage_text(self, stage: str) -> str:
        names = {"open": self.tr("Open"), "won": self.tr("Won"), "lost": self.tr("Lost")}
        return names.get(stage, stage)

    def display(self, row: OpportunityRow, column: int) -> str:
        locale = QLocale()
        if column == self.COL_NAME:
            return row.name
        if column == self.COL_COMPANY:
            return row.company or ""
        if column == self.COL_OWNER:
            return row.owner or ""
        if column == self.COL_AMOUNT:
            return locale.toString(float(row.amount), "f", 0)
        if column == self.COL_STAGE:
            return self.stage_text(row.stage)
        if column == self.COL_CREATED:
            return _date_text(row.created_at.date(), locale)
        if column == self.COL_EXPECTED_CLOSE:
            return _date_text(row.expected_close, locale)
        if column == self.COL_CLOSED:
            return _date_text(row.closed_at.date() if row.closed_at else None, locale)
        return ""

    def sort_key(self, row: OpportunityRow, column: int) -> Any:
        if column == self.COL_NAME:
            return text_key(row.name)
        if column == self.COL_COMPANY:
            return text_key(row.company) if row.company else None
        if column == self.COL_OWNER:
            return text_key(row.owner) if row.owner else None
        if column == self.COL_AMOUNT:
            return Decimal(row.amount)
        if column == self.COL_STAGE:
            return ("open", "won", "lost").index(row.stage) if row.stage in (
                "open", "won", "lost") else 3  # fmt: skip
        if column == self.COL_CREATED:
            return row.created_at
        if column == self.COL_EXPECTED_CLOSE:
            return row.expected_close
        if column == self.COL_CLOSED:
            return row.closed_at
        return None

    def search_text(self, row: OpportunityRow) -> str:
        return f"{row.name} {row.company or ''} {row.owner or ''}".casefold()

    def is_muted(self, row: OpportunityRow) -> bool:
        return row.stage == "lost"


class RowFilterProxy(QSortFilterProxyModel, Generic[R]):
    """Filters a RowTableModel by a search text and a row predicate; sorting goes to the source.

    The mask is computed once per change (a list comprehension), so filterAcceptsRow is a
    list lookup; it is recomputed whenever the source's rows change place.
    """

    def __init__(self, source: RowTableModel[R], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._text = ""
        self._predicate: Callable[[R], bool] | None = None
        self._mask: list[bool] | None = None
        self._mask_generation = -1
        self.setSourceModel(source)

    def source(self) -> RowTableModel[R]:
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
        return _FLAGS if index.isValid() else _NO_FLAGS

    def accepted_count(self) -> int:
        return self.rowCount()


class ActivityFilter:
    """The activity view's filters: types, statuses, only mine. None means "all"."""

    def __init__(
        self, types: set[str] | None = None, statuses: set[str] | None = None, mine: bool = False
    ) -> None:
        self.types = types
        self.statuses = statuses
        self.mine = mine

    def __call__(self, row: ActivityRow) -> bool:
        return (
            (self.types is None or row.type in self.types)
            and (self.statuses is None or row.status in self.statuses)
            and (not self.mine or row.mine)
        )

    def is_empty(self) -> bool:
        return self.types is None and self.statuses is None and not self.mine
