"""The main window's read-only CRM tabs: companies, activities (calendar-like), opportunities.

Each tab loads its rows off the GUI thread through `services.crm`, shows them in a
`QTableView` over a filter proxy, and says how many rows the filters leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, QLocale, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.clock import local_today
from kpidesk.gui.context import AppContext
from kpidesk.gui.crm_models import (
    ActivityFilter,
    ActivityModel,
    CompanyModel,
    OpportunityModel,
    RowFilterProxy,
)
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.table_model import TableModel
from kpidesk.services import crm

R = TypeVar("R")

# Activities shown around today when the tab opens: a month back, two months ahead.
DAYS_BACK = 30
DAYS_AHEAD = 60
RELOAD_DELAY_MS = 350
DAY_CHECK_MS = 60_000  # how often the activities tab looks whether the local date changed


def make_table(name: str) -> QTableView:
    """A table that stays fast with 100,000 rows: fixed row heights, no per-row widgets."""
    view = QTableView()
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setSortingEnabled(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 10)
    horizontal = view.horizontalHeader()
    horizontal.setHighlightSections(False)
    horizontal.setStretchLastSection(True)
    horizontal.setResizeContentsPrecision(200)  # size columns from a sample, not every row
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class DayColumnDelegate(QStyledItemDelegate):
    """Calendar-like dates: a day's first row shows it in bold, the rows below leave it blank.

    The top row of the view always shows its date (the view repaints fully on scrolling).
    """

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.row() > 0 and option.rect.top() > 0:  # type: ignore[attr-defined]
            above = index.model().index(index.row() - 1, index.column()).data()
            if above == option.text:  # type: ignore[attr-defined]
                option.text = ""  # type: ignore[attr-defined]
                return
        font = QFont(option.font)  # type: ignore[attr-defined]
        font.setBold(True)
        option.font = font  # type: ignore[attr-defined]


class CrmTab(QWidget, Generic[R]):
    """A filter bar, a table and a count; subclasses load rows and add their own filters."""

    loaded = Signal()  # rows are in the model (tests and the main window wait on it)
    loadFailed = Signal(str)

    def __init__(self, ctx: AppContext, model: TableModel[R], name: str,
                 parent: QWidget | None = None, *, sort_column: int = 0,
                 sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
                 stretch_column: int | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self.model.setParent(self)
        self.proxy: RowFilterProxy[R] = RowFilterProxy(model, self)
        self.loader = Loader(self)
        self.after_load: Callable[[], None] | None = None  # once, after the next load
        self._sized = False

        self.search = QLineEdit()
        self.search.setObjectName(f"{name}Search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search…"))
        self.search.setMaximumWidth(320)
        self.search.textChanged.connect(self.proxy.set_text)

        self.filters = QHBoxLayout()
        self.filters.setSpacing(8)
        self.filters.addWidget(self.search)

        self.table = make_table(f"{name}Table")
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(sort_column, sort_order)
        self.model.sort(sort_column, sort_order)  # kept: new rows arrive in this order
        if stretch_column is not None:  # the name takes the room, not the last column
            header = self.table.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.noun())
        self.search.setAccessibleName(self.tr("Search"))
        self.count = QLabel()
        self.count.setObjectName(f"{name}Count")
        self.count.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        self.bottom = bottom

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(self.filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.proxy.modelReset.connect(self.update_count)
        self.proxy.layoutChanged.connect(self.update_count)

    # --- loading -----------------------------------------------------------------------------
    def fetch(self) -> Callable[[], Any]:
        """The slow call (run on a worker thread) that returns what `apply` takes.

        Each tab overrides it with its service call; here it keeps the rows it has.
        """
        rows = list(self.model.rows())
        return lambda: rows

    def apply(self, result: Any) -> None:
        self.model.set_rows(result)

    @property
    def loading(self) -> bool:
        return self.loader.busy

    def reload(self) -> None:
        """Load the rows again in the background; answers of older requests are dropped."""
        self.count.setText(self.tr("Loading…"))
        self.loader.run(self.fetch(), self._loaded, self._failed)

    def _loaded(self, result: Any) -> None:
        self.apply(result)  # sorted as the table was last sorted
        if not self._sized:
            self._sized = True
            self.table.resizeColumnsToContents()
        self.update_count()
        self.loaded.emit()
        follow_up, self.after_load = self.after_load, None
        if follow_up is not None:
            follow_up()

    def _failed(self, failure: Failure) -> None:
        self.count.setText(
            self.tr("Could not load the data: {message}").format(message=failure.text)
        )
        self.loadFailed.emit(failure.text)

    # --- counting ----------------------------------------------------------------------------
    def noun(self) -> str:
        return self.tr("rows")

    def update_count(self) -> None:
        if self.loading:
            return
        locale = QLocale()
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            text = self.tr("{total} {noun}").format(total=locale.toString(total), noun=self.noun())
        else:
            text = self.tr("{shown} of {total} {noun}").format(
                shown=locale.toString(shown), total=locale.toString(total), noun=self.noun()
            )
        self.count.setText(text)


class CompaniesTab(CrmTab[crm.CompanyRow]):
    """Companies with their key account manager; "Mine" keeps the caller's accounts."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, CompanyModel(), "companies", parent,
                         sort_column=CompanyModel.COL_NAME,
                         stretch_column=CompanyModel.COL_NAME)  # fmt: skip
        self.customers_only = QCheckBox(self.tr("Customers only"))
        self.customers_only.setObjectName("companiesCustomersOnly")
        self.mine = QCheckBox(self.tr("Mine"))
        self.mine.setObjectName("companiesMine")
        self.mine.setToolTip(self.tr("Only companies where I am key account manager"))
        for box in (self.customers_only, self.mine):
            box.toggled.connect(self._refilter)
            self.filters.addWidget(box)
        self.filters.addStretch(1)

    def noun(self) -> str:
        return self.tr("companies")

    def fetch(self) -> Callable[[], list[crm.CompanyRow]]:
        return self.ctx.desk.crm.companies

    def _refilter(self) -> None:
        customers, mine = self.customers_only.isChecked(), self.mine.isChecked()
        if not customers and not mine:
            self.proxy.set_predicate(None)
        else:
            self.proxy.set_predicate(
                lambda r: (not customers or r.is_customer) and (not mine or r.mine)
            )


class ActivitiesTab(CrmTab[crm.ActivityRow]):
    """A calendar-like list: a date range (loaded from the database), then type, status, mine."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:  # fmt: skip
        self.activity_model = ActivityModel()
        super().__init__(ctx, self.activity_model, "activities", parent,
                         sort_column=ActivityModel.COL_DATE)  # fmt: skip
        # "Today" is the installation's date (its time zone, not the PC's), from the context's
        # clock; it moves on after midnight while the window stays open. A given `today` is
        # fixed (screenshots, tests).
        self.tz = ctx.desk.timezone()
        self.fixed_today = today
        self.today = today or self.local_today()
        self.truncated = False

        self.type_filter = QComboBox()
        self.type_filter.setObjectName("activitiesType")
        self.type_filter.setAccessibleName(self.tr("Type"))
        self.type_filter.addItem(self.tr("All types"), None)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("activitiesStatus")
        self.status_filter.setAccessibleName(self.tr("Status"))
        self.status_filter.addItem(self.tr("All statuses"), None)
        for status in crm.ACTIVITY_STATUSES:
            self.status_filter.addItem(self.activity_model.status_text(status), status)

        first, last = self.default_range(self.today)
        self.first_day = self._date_edit("activitiesFrom", first)
        self.last_day = self._date_edit("activitiesTo", last)
        self.first_day.setAccessibleName(self.tr("From"))
        self.last_day.setAccessibleName(self.tr("To"))
        self.mine = QCheckBox(self.tr("Mine"))
        self.mine.setObjectName("activitiesMine")
        self.mine.setToolTip(self.tr("Only activities I own or take part in"))
        self.today_button = QPushButton(self.tr("Today"))
        self.today_button.setObjectName("activitiesToday")
        self.today_button.setToolTip(self.tr("Go to today's first activity"))

        from_label = QLabel(self.tr("From"))
        from_label.setBuddy(self.first_day)
        to_label = QLabel(self.tr("to"))
        to_label.setBuddy(self.last_day)
        for widget in (self.type_filter, self.status_filter, from_label, self.first_day,
                       to_label, self.last_day, self.mine, self.today_button):  # fmt: skip
            self.filters.addWidget(widget)
        self.filters.addStretch(1)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self.first_day.dateChanged.connect(self._range_changed)
        self.last_day.dateChanged.connect(self._range_changed)
        self.type_filter.currentIndexChanged.connect(self._refilter)
        self.status_filter.currentIndexChanged.connect(self._refilter)
        self.mine.toggled.connect(self._refilter)
        self.today_button.clicked.connect(self.go_to_today)
        self.table.setItemDelegateForColumn(ActivityModel.COL_DATE, DayColumnDelegate(self.table))
        # Scrolling moves painted pixels; the new top row must show its date, so repaint.
        self.table.verticalScrollBar().valueChanged.connect(self.table.viewport().update)
        self.day_timer = QTimer(self)
        self.day_timer.setInterval(DAY_CHECK_MS)
        self.day_timer.timeout.connect(self.check_day)
        if today is None:
            self.day_timer.start()

    def local_today(self) -> dt.date:
        return local_today(self.ctx.clock(), self.tz)

    @staticmethod
    def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
        return today - dt.timedelta(DAYS_BACK), today + dt.timedelta(DAYS_AHEAD)

    def check_day(self) -> None:
        """After midnight: a new "today"; the range moves with it unless the user chose one."""
        if self.fixed_today is not None:
            return
        new = self.local_today()
        if new == self.today:
            return
        old_range = self.default_range(self.today)
        self.today = new
        if self.date_range() == old_range:
            self.set_date_range(*self.default_range(new))

    def _date_edit(self, name: str, value: dt.date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(QLocale().dateFormat(QLocale.FormatType.ShortFormat))
        return edit

    def noun(self) -> str:
        return self.tr("activities")

    def date_range(self) -> tuple[dt.date, dt.date]:
        first, last = self.first_day.date().toPython(), self.last_day.date().toPython()
        return (first, last) if first <= last else (last, first)

    def set_date_range(self, first: dt.date, last: dt.date) -> None:
        """Show another range (loads at once, without the typing delay)."""
        for edit, value in ((self.first_day, first), (self.last_day, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(value.year, value.month, value.day))
            edit.blockSignals(False)
        self.reload()

    def _range_changed(self) -> None:
        self._reload_timer.start()

    def fetch(self) -> Callable[[], tuple[crm.ActivityPage, list[str]]]:
        desk = self.ctx.desk
        first, last = self.date_range()
        return lambda: (desk.crm.activities(first, last), desk.crm.activity_types())

    def apply(self, result: tuple[crm.ActivityPage, list[str]]) -> None:
        page, types = result
        self.truncated = page.truncated
        current = self.type_filter.currentData()
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem(self.tr("All types"), None)
        for name in types:
            self.type_filter.addItem(name, name)
        found = self.type_filter.findData(current) if current is not None else 0
        self.type_filter.setCurrentIndex(max(found, 0))
        self.type_filter.blockSignals(False)
        self.model.set_rows(page.rows)
        if current is not None and found < 0:
            self._refilter()

    def _refilter(self) -> None:
        chosen_type = self.type_filter.currentData()
        chosen_status = self.status_filter.currentData()
        rule = ActivityFilter(
            types={chosen_type} if chosen_type is not None else None,
            statuses={chosen_status} if chosen_status is not None else None,
            mine=self.mine.isChecked(),
        )
        self.proxy.set_predicate(None if rule.is_empty() else rule)

    def update_count(self) -> None:
        super().update_count()
        if self.truncated and not self.loading:
            self.count.setText(
                self.count.text()
                + " "
                + self.tr("(only the first {limit}: choose a shorter date range)").format(
                    limit=QLocale().toString(crm.ACTIVITY_LIMIT)
                )
            )

    def go_to_today(self) -> None:
        """Select today's first activity (or the next one), whatever the sort and filters.

        When today is outside the chosen dates, the range moves around today first.
        """
        first, last = self.date_range()
        if not first <= self.today <= last:
            self.after_load = self.go_to_today
            self.set_date_range(*self.default_range(self.today))
            return
        rows = self.model.rows()
        upcoming = sorted(
            (row.start_at, row.id, source_row)
            for source_row, row in enumerate(rows)
            if row.start_at.date() >= self.today
        )
        for _start, _id, source_row in upcoming:
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
            if index.isValid():  # not hidden by a filter
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
                self.table.setCurrentIndex(index)
                return


class OpportunitiesTab(CrmTab[crm.OpportunityRow]):
    """Opportunities with company, owner, amount and stage; filter by stage and "Mine"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.opportunity_model = OpportunityModel()
        super().__init__(ctx, self.opportunity_model, "opportunities", parent,
                         sort_column=OpportunityModel.COL_CREATED,
                         sort_order=Qt.SortOrder.DescendingOrder,
                         stretch_column=OpportunityModel.COL_NAME)  # fmt: skip
        self.stage_filter = QComboBox()
        self.stage_filter.setObjectName("opportunitiesStage")
        self.stage_filter.setAccessibleName(self.tr("Stage"))
        self.stage_filter.addItem(self.tr("All stages"), None)
        for stage in crm.OPPORTUNITY_STAGES:
            self.stage_filter.addItem(self.opportunity_model.stage_text(stage), stage)
        self.mine = QCheckBox(self.tr("Mine"))
        self.mine.setObjectName("opportunitiesMine")
        self.mine.setToolTip(self.tr("Only opportunities I own"))
        self.stage_filter.currentIndexChanged.connect(self._refilter)
        self.mine.toggled.connect(self._refilter)
        self.filters.addWidget(self.stage_filter)
        self.filters.addWidget(self.mine)
        self.filters.addStretch(1)

    def noun(self) -> str:
        return self.tr("opportunities")

    def fetch(self) -> Callable[[], list[crm.OpportunityRow]]:
        return self.ctx.desk.crm.opportunities

    def _refilter(self) -> None:
        stage, mine = self.stage_filter.currentData(), self.mine.isChecked()
        if stage is None and not mine:
            self.proxy.set_predicate(None)
        else:
            self.proxy.set_predicate(
                lambda r: (stage is None or r.stage == stage) and (not mine or r.mine)
            )
