""" "KPI opsætning": the three steps of setting up KPIs (profiles, users, rules) in one dialog.

Every query and change runs off the GUI thread through `run_in_background`; the dialog loads
a snapshot of the setup and hands its state to every page (`SetupPage.load`), and reloads
after each change (its own or another window's, via `ctx.events.setupChanged`). The dialog
owns that state: pages ask it for changes, the rule editor and "Beregn nu" through
`SetupHost`. Administrators only: the services check it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import locale_for
from kpidesk.gui.geometry import open_at_size
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.runner import run_in_background
from kpidesk.gui.setup.datasource_page import DataSourcePage
from kpidesk.gui.setup.page import (
    PageMessage,
    SetupPage,
    SetupSnapshot,
    SetupState,
    load_snapshot,
)
from kpidesk.gui.setup.profiles_page import ProfilesPage
from kpidesk.gui.setup.rules_page import RulesPage
from kpidesk.gui.setup.users_page import UsersPage
from kpidesk.gui.widgets import enter_is_not_close
from kpidesk.services.run_control import RunListener
from kpidesk.services.setup import RuleInfo


class _ProgressRelay(QObject):
    """Lives in the GUI thread; the run's worker emits, Qt queues it into the GUI thread."""

    progress = Signal(int, int)
    state = Signal(int, str)  # the request's id and "queued" | "waiting" | "running" | "done"
    started = Signal(object)  # the date whose run starts


class KpiSetupDialog(QDialog):
    """Profiler / Brugere / Regler (+ Kørsler): the KPI setup, for administrators."""

    loaded = Signal()  # a snapshot arrived and the tables show it
    changed = Signal()  # a change of this dialog was saved

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiSetupDialog")
        self.setWindowTitle(self.tr("KPI setup"))
        self.ctx = ctx
        self.language = ctx.language
        self.locale = locale_for(ctx.language)
        self.state = SetupState()
        self.loader = Loader(self)  # the snapshot
        self.saver = Loader(self)  # one change at a time
        self.editor: QDialog | None = None
        self.run_request: int | None = None  # "Beregn nu"'s request to the run controller
        self._close_when_saved = False  # closing waits for a page's save

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("setupTabs")
        self.profilesPage = ProfilesPage(self, self)
        self.usersPage = UsersPage(self, self)
        self.rulesPage = RulesPage(self, self)
        self.pages: list[SetupPage] = [self.profilesPage, self.usersPage, self.rulesPage]
        self.tabs.addTab(self.profilesPage, self.tr("&Profiles"))
        self.tabs.addTab(self.usersPage, self.tr("&Users"))
        self.tabs.addTab(self.rulesPage, self.tr("R&ules"))
        self.runLog = self._run_log()
        if self.runLog is not None:
            self.tabs.addTab(self.runLog, self.tr("Ru&ns"))
        # Datakilde holds a form: closing the dialog checks and saves it like any page.
        self.dataSourcePage: DataSourcePage | None = None
        if ctx.caller.is_admin:  # the data source is for administrators only
            self.dataSourcePage = DataSourcePage(self, self)
            self.pages.append(self.dataSourcePage)
            self.tabs.addTab(self.dataSourcePage, self.tr("&Data source"))
        self.tabs.setCurrentWidget(self.rulesPage)

        self.status = QLabel(self.tr("Loading the KPI setup…"), self)
        self.status.setObjectName("setupStatus")
        self.teamButton = QPushButton(self.tr("&Team view…"), self)
        self.teamButton.setObjectName("teamViewButton")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.teamButton)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.teamButton.clicked.connect(self.open_team_view)
        for number in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Alt+{number + 1}"), self,
                      activated=lambda n=number: self.tabs.setCurrentIndex(n))  # fmt: skip

        enter_is_not_close(self)
        ctx.events.setupChanged.connect(self.reload)
        metrics = self.fontMetrics()
        # Wide enough for the rule table's names beside the rule's detail (1366×768: fits).
        em = metrics.horizontalAdvance("M")
        open_at_size(self, "kpiSetup", QSize(em * 120, metrics.height() * 46))
        self.reload()

    @property
    def snapshot(self) -> SetupSnapshot | None:
        return self.state.snapshot

    def _run_log(self) -> QWidget | None:
        try:
            from kpidesk.gui.run_log import RunLogWidget
        except ImportError:
            return None
        return RunLogWidget(self.ctx, self)

    def _set_state(self, **changes: Any) -> None:
        """The one place the state changes; every page shows the new one."""
        self.state = dataclasses.replace(self.state, **changes)
        for page in self.pages:
            page.load(self.state)

    # --- loading ---------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self.loader.busy

    @Slot()
    def reload(self) -> None:
        """Read the setup again, off the GUI thread; an older answer still under way is dropped."""
        ctx = self.ctx  # the job must not hold the dialog (it would die on the worker thread)
        self.loader.run(lambda: load_snapshot(ctx), self._loaded, self._load_failed)

    def _loaded(self, snapshot: SetupSnapshot) -> None:
        self._set_state(snapshot=snapshot)
        active = sum(1 for rule in snapshot.rules if rule.active)
        self.status.setText(
            self.tr("%1 profiles, %2 users, %3 rules (%4 active)")
            .replace("%1", str(len(snapshot.profiles)))
            .replace("%2", str(len(snapshot.users)))
            .replace("%3", str(len(snapshot.rules)))
            .replace("%4", str(active))
        )
        self.loaded.emit()

    def _load_failed(self, failure: Failure) -> None:
        self.status.setText(self.tr("Could not load the setup: %1").replace("%1", failure.text))

    # --- what pages ask for (SetupHost) ----------------------------------------------------

    def change(
        self,
        action: Callable[[], Any],
        message: PageMessage,
        success: Callable[[Any], str],
        failed: Callable[[Failure], None] | None = None,
    ) -> None:
        """Save one change off-thread, then say so, reload and tell the other windows."""
        if self.state.saving:
            return
        self._set_state(saving=True)
        message.info(self.tr("Saving…"))

        def done(result: Any) -> None:
            self._set_state(saving=False)
            message.info(success(result))
            self.changed.emit()
            self.ctx.events.setupChanged.emit()
            if self._close_when_saved:
                self.reject()

        def refused(failure: Failure) -> None:
            self._close_when_saved = False  # stays open: the page says why
            self._set_state(saving=False)
            if failed is not None:
                failed(failure)
            else:
                message.error(failure.text)
            self.reload()

        self.saver.run(action, done, refused)

    def confirm(self, title: str, question: str, action: str | None = None) -> bool:
        """Ask before something that cannot be undone; No is the default answer.

        `action` names the Yes button (default "Delete").
        """
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, title, question, buttons, self)
        box.setObjectName("confirmBox")
        box.button(QMessageBox.StandardButton.Yes).setText(action or self.tr("Delete"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def edit_rule(self, rule: RuleInfo | None, saved: Callable[[RuleInfo], None]) -> None:
        from kpidesk.gui.rule_editor import RuleEditorDialog

        snapshot = self.state.snapshot
        if snapshot is None or self.state.saving or self.state.calculating:
            return
        editor = RuleEditorDialog(
            self.ctx, snapshot.specs, snapshot.profiles, snapshot.rules,
            snapshot.activity_types, rule=rule, currency=snapshot.currency,
            parent=self.rulesPage,
        )  # fmt: skip
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(saved)
        self.editor = editor
        editor.finished.connect(lambda _r: setattr(self, "editor", None))
        editor.open()

    def calculate(
        self,
        progress: Callable[[int, int], None],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        waiting: Callable[[str], None] | None = None,
    ) -> None:
        """ "Beregn nu": today's run in the background; the pages wait while it runs.

        The run controller queues it behind a run in progress (here or elsewhere): `waiting`
        hears "queued", "waiting" and then "running"; `stop_calculation` cancels it.
        """
        if self.state.calculating or self.state.saving:
            return
        self._set_state(calculating=True)
        relay = _ProgressRelay(self)
        relay.progress.connect(progress)
        relay.progress.connect(self._run_progress)
        relay.state.connect(self._run_state)
        if waiting is not None:
            relay.state.connect(lambda _request, state: waiting(state))
        desk, events = self.ctx.desk, self.ctx.events
        relay.started.connect(events.runStarted)
        listener = RunListener(
            state=lambda ticket: relay.state.emit(ticket.id, ticket.state),
            started=relay.started.emit, progress=relay.progress.emit,
        )  # fmt: skip

        def finished(summary: Any) -> None:
            self.run_request = None
            self._set_state(calculating=False)
            done(summary)
            events.runFinished.emit(summary)

        def broke(exc: BaseException) -> None:
            self.run_request = None
            self._set_state(calculating=False)
            failed(exc)
            events.runFinished.emit(None)

        def start(run_date: dt.date) -> None:
            run_in_background(
                self, lambda: desk.runs.run_now(run_date, listener=listener), finished, broke
            )

        run_in_background(self, desk.today, start, broke)

    @Slot(int, str)
    def _run_state(self, request: int, state: str) -> None:
        self.run_request = request if state != "done" else None
        if state in ("queued", "waiting"):
            self.ctx.events.runWaiting.emit(state)

    @Slot(int, int)
    def _run_progress(self, done: int, total: int) -> None:
        self.ctx.events.runProgress.emit(done, total)

    def stop_calculation(self) -> None:
        """Stop "Beregn nu" (after asking): between rules; the figures stay as they were."""
        request = self.run_request
        if request is None or not self.state.calculating:
            return
        question = self.tr("Stop the calculation? The figures stay as they were before it started.")
        if not self.confirm(self.tr("Stop calculation"), question, self.tr("Stop")):
            return
        desk = self.ctx.desk
        run_in_background(self, lambda: desk.runs.cancel(request), lambda _stopped: None)

    # --- closing ---------------------------------------------------------------------------

    def reject(self) -> None:
        """Closing commits what a page still holds: every page checks, then every page saves;
        a save under way keeps the dialog open until it is stored (or says why not)."""
        if self.state.saving:
            self._close_when_saved = True
            return
        for page in self.pages:
            if not page.check():
                if isinstance(page, QWidget):
                    self.tabs.setCurrentWidget(page)
                return
        for page in self.pages:
            page.save()
        if self.state.saving:
            self._close_when_saved = True
            return
        self._close_when_saved = False
        super().reject()

    def open_team_view(self) -> None:
        from kpidesk.gui.team_view import TeamViewDialog

        view = TeamViewDialog(self.ctx, self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
