"""Qt table models over the CRM's plain rows: companies, activities, opportunities.

Each is a `TableModel` with its columns declared once; the filter proxy answers each row from
a mask computed in one pass over the rows, and leaves sorting to the model (one Python
key-sort, text in the language's collation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QLocale, QObject, QTime

from kpidesk.gui.table_model import (
    ALIGN_RIGHT,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RowFilterProxy,
    TableModel,
)
from kpidesk.services.crm import ActivityRow, CompanyRow, OpportunityRow

__all__ = ["ROW_ROLE", "SORT_ROLE", "ActivityModel", "CompanyModel", "OpportunityModel",
           "RowFilterProxy", "ActivityFilter", "crm_key_order"]  # fmt: skip

R = TypeVar("R")


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _qtime(value: dt.datetime) -> QTime:
    return QTime(value.hour, value.minute)


def _cell(header: str, display: Callable[[R], str], **kwargs: Any) -> Column[R]:
    """A CRM column: its tooltip is its text (names are often cut at the column's width)."""
    return Column(header, display, tooltip=display, **kwargs)


def _date_text(value: dt.date | None, locale: QLocale) -> str:
    return locale.toString(_qdate(value), QLocale.FormatType.ShortFormat) if value else ""


def crm_key_order(key: str) -> tuple[int, int, str]:
    """Whole-number keys in number order (2 before 10), then text keys as text."""
    if key.isascii() and key.isdigit():
        return (0, int(key), key)
    return (1, 0, key)


def _order(value: str, order: tuple[str, ...]) -> int:
    return order.index(value) if value in order else len(order)


class CompanyModel(TableModel[CompanyRow]):
    COL_ID = 0
    COL_NAME = 1
    COL_CUSTOMER = 2
    COL_KAM = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        yes, no = self.tr("Yes"), self.tr("No")
        self.set_columns([
            # The CRM's own id, as in the CRM (kpidesk's id is internal); CRM keys are text
            # (UUIDs, 001…AAV), so left-aligned.
            _cell(self.tr("CRM id"), lambda r: r.crm_key, sort=lambda r: crm_key_order(r.crm_key)),
            _cell(self.tr("Company"), lambda r: r.name),
            _cell(self.tr("Customer"), lambda r: yes if r.is_customer else no,
                  sort=lambda r: not r.is_customer),
            _cell(self.tr("Key account manager"), lambda r: r.kam_name or ""),
        ])  # fmt: skip

    def search_text(self, row: CompanyRow) -> str:
        return f"{row.crm_key} {row.name} {row.kam_name or ''} {row.kam_login or ''}".casefold()

    def is_muted(self, row: CompanyRow) -> bool:
        return not row.is_customer


class ActivityModel(TableModel[ActivityRow]):
    """A calendar-like list: weekday and date, the time span, then what and with whom."""

    COL_DATE = 0
    COL_TIME = 1
    COL_TYPE = 2
    COL_STATUS = 3
    COL_COMPANY = 4
    COL_OWNER = 5
    COL_PARTICIPANTS = 6
    STATUSES = ("planned", "done", "cancelled")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Texts many rows share, formatted once per load (scrolling formats nothing twice).
        self._days: dict[dt.date, str] = {}
        self._spans: dict[tuple[int, int, int, int], str] = {}
        self._statuses: dict[str, str] = {}

        def when(row: ActivityRow) -> Any:
            return (row.start_at, row.id)

        self.set_columns([
            _cell(self.tr("Date"), lambda r: self.day_text(r.start_at.date()), sort=when),
            _cell(self.tr("Time"), lambda r: self.span_text(r.start_at, r.end_at), sort=when),
            _cell(self.tr("Type"), lambda r: r.type),
            _cell(self.tr("Status"), lambda r: self.status_text(r.status),
                  sort=lambda r: _order(r.status, self.STATUSES)),
            _cell(self.tr("Company"), lambda r: r.company or ""),
            _cell(self.tr("Owner"), lambda r: r.owner or ""),
            _cell(self.tr("Participants"), lambda r: r.participants),
        ])  # fmt: skip

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

    def search_text(self, row: ActivityRow) -> str:
        return f"{row.type} {row.company or ''} {row.owner or ''} {row.participants}".casefold()

    def is_muted(self, row: ActivityRow) -> bool:
        return row.status == "cancelled"


class OpportunityModel(TableModel[OpportunityRow]):
    COL_NAME = 0
    COL_COMPANY = 1
    COL_OWNER = 2
    COL_AMOUNT = 3
    COL_STAGE = 4
    COL_CREATED = 5
    COL_EXPECTED_CLOSE = 6
    COL_CLOSED = 7
    STAGES = ("open", "won", "lost")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

        def amount(row: OpportunityRow) -> str:
            return QLocale().toString(float(row.amount), "f", 0)

        def day(value: dt.date | None) -> str:
            return _date_text(value, QLocale())

        self.set_columns([
            _cell(self.tr("Opportunity"), lambda r: r.name),
            _cell(self.tr("Company"), lambda r: r.company or ""),
            _cell(self.tr("Owner"), lambda r: r.owner or ""),
            _cell(self.tr("Amount"), amount, sort=lambda r: Decimal(r.amount), align=ALIGN_RIGHT),
            _cell(self.tr("Stage"), lambda r: self.stage_text(r.stage),
                  sort=lambda r: _order(r.stage, self.STAGES)),
            _cell(self.tr("Created"), lambda r: day(r.created_at.date()),
                  sort=lambda r: r.created_at),
            _cell(self.tr("Expected close"), lambda r: day(r.expected_close),
                  sort=lambda r: r.expected_close),
            _cell(self.tr("Closed"), lambda r: day(r.closed_at.date() if r.closed_at else None),
                  sort=lambda r: r.closed_at),
        ])  # fmt: skip

    def stage_text(self, stage: str) -> str:
        names = {"open": self.tr("Open"), "won": self.tr("Won"), "lost": self.tr("Lost")}
        return names.get(stage, stage)

    def search_text(self, row: OpportunityRow) -> str:
        return f"{row.name} {row.company or ''} {row.owner or ''}".casefold()

    def is_muted(self, row: OpportunityRow) -> bool:
        return row.stage == "lost"


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
