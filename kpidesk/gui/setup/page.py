"""What every page of "KPI opsætning" shares: the dialog's state, the page protocol, and the
few widgets each page builds from.

The dialog owns the state (the snapshot of the setup and what the dialog is doing) and hands
it to every page with `load()`; a page shows it and asks the dialog for changes through
`SetupHost`, never setting the dialog's flags or calling another page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from kpidesk.domain.templates import TemplateSpec
from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import level_colour
from kpidesk.gui.loader import Failure, failure_of
from kpidesk.gui.setup.datasource_form import SourceState, load_source
from kpidesk.gui.table_model import TableModel
from kpidesk.services.people import ProfileInfo, UserInfo
from kpidesk.services.setup import RuleInfo


@dataclass(frozen=True)
class SetupSnapshot:
    """Everything the dialog shows, read off the GUI thread in one go."""

    profiles: list[ProfileInfo]
    users: list[UserInfo]
    rules: list[RuleInfo]
    activity_types: list[str]
    specs: list[TemplateSpec]
    currency: str
    source: SourceState | None = None  # the Datakilde page's (administrators only)


def load_snapshot(ctx: AppContext) -> SetupSnapshot:
    desk = ctx.desk
    return SetupSnapshot(
        profiles=desk.people.profiles(),
        users=desk.people.users(),
        rules=desk.setup.rules(),
        activity_types=desk.setup.activity_types(),
        specs=desk.setup.templates(),
        currency=desk.settings.currency(),
        source=load_source(ctx) if ctx.caller.is_admin else None,
    )


@dataclass(frozen=True)
class SetupState:
    """What the dialog knows and does; a new value after every change, handed to each page."""

    snapshot: SetupSnapshot | None = None
    saving: bool = False  # a change is being saved: one at a time
    calculating: bool = False  # "Beregn nu" is calculating: the rules stay as the run read them

    @property
    def specs(self) -> dict[str, TemplateSpec]:
        return {spec.key: spec for spec in self.snapshot.specs} if self.snapshot else {}

    @property
    def currency(self) -> str:
        return self.snapshot.currency if self.snapshot else "DKK"


class SetupPage(Protocol):
    """One tab of the dialog, in Picard's three verbs.

    `load` shows the dialog's state: after every reload, and whenever saving or calculating
    starts or stops (a page rebuilds its tables only when the snapshot is new). `check` and
    `save` run when the dialog closes: a page holding input that is not saved yet checks it
    (False keeps the dialog open, the page saying why) and then saves it. Pages whose changes
    are saved as they are made hold nothing: `check` is True and `save` does nothing.
    """

    def load(self, state: SetupState) -> None: ...

    def check(self) -> bool: ...

    def save(self) -> None: ...


class SetupHost(Protocol):
    """What a page may ask of the dialog that holds it."""

    ctx: AppContext
    language: str
    locale: QLocale

    def change(
        self,
        action: Callable[[], Any],
        message: PageMessage,
        success: Callable[[Any], str],
        failed: Callable[[Failure], None] | None = None,
    ) -> None:
        """Save one change off the GUI thread, say so in `message` (or let `failed` say why
        not), reload every page."""
        ...

    def reload(self) -> None:
        """Read the setup again (after something a page did that is not a change of it)."""
        ...

    def confirm(self, title: str, question: str, action: str | None = None) -> bool:
        """Ask before something that cannot be undone (`action` names the Yes button)."""
        ...

    def calculate(
        self,
        progress: Callable[[int, int], None],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        waiting: Callable[[str], None] | None = None,
    ) -> None:
        """ "Beregn nu": today's run off the GUI thread, `progress(done, total)` per rule,
        `waiting(state)` while it waits its turn ("queued", "waiting", then "running")."""
        ...

    def stop_calculation(self) -> None:
        """Stop "Beregn nu" after asking; the figures stay as they were."""
        ...

    def edit_rule(self, rule: RuleInfo | None, saved: Callable[[RuleInfo], None]) -> None:
        """The rule editor for a new (None) or an existing rule."""
        ...


class ImmediatePage(QWidget):
    """A page whose changes are saved as they are made: it holds nothing for `check`/`save`.

    `load` keeps the state, shows a snapshot it has not shown yet (`show_snapshot`) and sets
    its buttons for what the dialog is doing (`update_buttons`).
    """

    def __init__(self, host: SetupHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.state = SetupState()
        self._shown: SetupSnapshot | None = None

    def load(self, state: SetupState) -> None:
        self.state = state
        if state.snapshot is not None and state.snapshot is not self._shown:
            self._shown = state.snapshot
            self.show_snapshot(state.snapshot)
        self.update_buttons()

    def check(self) -> bool:
        return True

    def save(self) -> None:
        pass

    def selected_item(self, table: QTableView) -> object | None:
        """The item of the table's selected row (a row can be current without being selected)."""
        index = table.currentIndex()
        if not index.isValid() or not table.selectionModel().isRowSelected(index.row()):
            return None
        model = table.model()
        return model.row_item(index.row()) if isinstance(model, TableModel) else None

    def show_snapshot(self, snapshot: SetupSnapshot) -> None:
        raise NotImplementedError

    def update_buttons(self) -> None:
        raise NotImplementedError


def first_line(exc: BaseException) -> str:
    """An exception in one line, as every background failure is said (`loader.failure_of`)."""
    return failure_of(exc).text


def html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def setup_table(parent: QWidget, name: str) -> QTableView:
    """A read-only table of whole rows, one selected at a time, as every page lists things."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setHighlightSections(False)
    table.setTabKeyNavigation(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    return table


class PageMessage(QLabel):
    """A one-line message under a table: calm for information, red for a refusal."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setVisible(False)

    def info(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)
        self.setVisible(bool(text))

    def error(self, text: str) -> None:
        self.setStyleSheet(f"color: {level_colour('red', self.palette()).name()};")
        self.setText(text)
        self.setVisible(bool(text))
