"""The main window: the CRM's read-only views, the KPI toolbar, and a status bar.

"KPI opsætning" is there for administrators; "Mine KPI" only while the logged-in user has an
active rule, re-checked off the GUI thread whenever the setup changes or a run finishes. The
status bar says who is logged in, when the KPIs were last calculated and on which CRM data.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from kpidesk import __version__
from kpidesk.gui import i18n, runner
from kpidesk.gui.context import AppContext
from kpidesk.gui.crm_views import ActivitiesTab, CompaniesTab, CrmTab, OpportunitiesTab
from kpidesk.gui.geometry import fits, usable_size
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.login import app_icon, error_colour
from kpidesk.gui.run_status import RunStatusText, data_status_text, run_status_text
from kpidesk.gui.warmup import start_warmup
from kpidesk.services import auth

if TYPE_CHECKING:
    from kpidesk.services.kpi import LastRun

log = logging.getLogger("kpidesk.gui")

GEOMETRY_KEY = "mainWindow/geometry"
STATE_KEY = "mainWindow/state"
TAB_KEY = "mainWindow/tab"
# The status bar's "calculated ..." text moves on by itself (tonight → yesterday …), and
# "Mine KPI" follows setup changes made on other desktops.
STATUS_REFRESH_MS = 10 * 60 * 1000
# The data line shows this many "M"s at most; the whole line is in its tooltip.
DATA_LABEL_EM = 48


class MainWindow(QMainWindow):
    """The window people work in after logging in."""

    myKpiVisibilityChecked = Signal(bool)  # after each off-thread has_rules check
    statusRefreshed = Signal()  # after each off-thread run-status refresh

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 start_scheduler: bool = True, today: dt.date | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setWindowTitle("kpidesk")
        self.timezone: ZoneInfo | None = None
        self.scheduler_bridge: Any = None  # SchedulerBridge, imported lazily
        self._dialogs: dict[str, QDialog] = {}
        self.accountLoader = Loader(self)
        self.myKpiLoader = Loader(self)
        self.statusLoader = Loader(self)
        self.stopLoader = Loader(self)  # "Stop calculation"

        self.tabs = QTabWidget()
        self.tabs.setObjectName("crmTabs")
        self.tabs.setDocumentMode(True)
        self.companies = CompaniesTab(ctx)
        self.activities = ActivitiesTab(ctx, today=today)
        self.opportunities = OpportunitiesTab(ctx)
        self.tabs.addTab(self.companies, self.tr("&Companies"))
        self.tabs.addTab(self.activities, self.tr("&Activities"))
        self.tabs.addTab(self.opportunities, self.tr("&Opportunities"))
        self._loaded_tabs: set[int] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setCentralWidget(self.tabs)

        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()

        events = ctx.events
        events.setupChanged.connect(self.refresh_my_kpi)
        events.runWaiting.connect(self._run_waiting)
        events.runStarted.connect(self._run_started)
        events.runProgress.connect(self._run_progress)
        events.runFinished.connect(self._run_finished)

        self._account_changed_shown = False
        runner.notifier().accountChanged.connect(self.account_changed)

        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_run_status)
        # Another desktop's administrator may change the setup: no event reaches this one.
        self._status_timer.timeout.connect(self.refresh_my_kpi)
        self._status_timer.start()

        self._restore_geometry()
        self.refresh_account()
        self.refresh_my_kpi()
        self.refresh_run_status()
        self._tab_shown(self.tabs.currentIndex())
        self.warmup = start_warmup(ctx, self)  # the first Dagens KPI opens as fast as later ones
        if start_scheduler:
            QTimer.singleShot(0, self.start_scheduler)

    # --- building -----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.setup_action = QAction(self.tr("KPI setup"), self)
        self.setup_action.setObjectName("kpiSetupAction")
        self.setup_action.setShortcut(QKeySequence("Ctrl+K"))
        self.setup_action.setToolTip(self.tr("Set up profiles, users and KPI rules (Ctrl+K)"))
        self.setup_action.triggered.connect(self.open_setup)
        self.setup_action.setVisible(self.ctx.caller.is_admin)

        self.my_kpi_action = QAction(self.tr("My KPIs"), self)
        self.my_kpi_action.setObjectName("myKpiAction")
        self.my_kpi_action.setShortcut(QKeySequence("Ctrl+M"))
        self.my_kpi_action.setToolTip(self.tr("Today's KPIs: values, scores, forecast (Ctrl+M)"))
        self.my_kpi_action.triggered.connect(self.open_my_kpi)
        self.my_kpi_action.setVisible(False)  # until has_rules says so

        # Stops the calculation this desktop runs or waits for ("Beregn nu", the night).
        self.stop_run_action = QAction(self.tr("&Stop calculation…"), self)
        self.stop_run_action.setObjectName("stopRunAction")
        self.stop_run_action.setToolTip(
            self.tr("Stop the KPI calculation; the figures stay as they were")
        )
        self.stop_run_action.triggered.connect(self.stop_run)
        self.stop_run_action.setVisible(self.ctx.caller.is_admin)
        self.stop_run_action.setEnabled(False)

        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setObjectName("refreshAction")
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.triggered.connect(self.refresh_current_tab)

        self.find_action = QAction(self.tr("&Find"), self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self.focus_search)

        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)

        self.about_action = QAction(self.tr("&About kpidesk"), self)
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.show_about)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("KPI"))
        bar.setObjectName("kpiToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.setup_action)
        bar.addAction(self.my_kpi_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar
        for action, name in ((self.setup_action, "kpiSetupButton"),
                             (self.my_kpi_action, "myKpiButton")):  # fmt: skip
            button = bar.widgetForAction(action)
            button.setObjectName(name)
            button.setAccessibleName(action.text())
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            font = button.font()
            font.setBold(True)
            button.setFont(font)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        self.password_action = file_menu.addAction(self.tr("Change &password…"))
        self.password_action.setObjectName("changePasswordAction")
        self.password_action.triggered.connect(self.change_password)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view = menu.addMenu(self.tr("&View"))
        for index, key in enumerate(("Ctrl+1", "Ctrl+2", "Ctrl+3")):
            action = view.addAction(self.tabs.tabText(index).replace("&", ""))
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i))
        view.addSeparator()
        view.addAction(self.refresh_action)
        view.addAction(self.find_action)
        view.addSeparator()
        language_menu = view.addMenu(self.tr("&Language"))
        language_menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for code in i18n.LANGUAGES:
            action = language_menu.addAction(i18n.NATIVE_NAMES[code])
            action.setCheckable(True)
            action.setChecked(code == self.ctx.language)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            group.addAction(action)
            self.language_actions[code] = action

        kpi = menu.addMenu(self.tr("&KPI"))
        kpi.addAction(self.setup_action)
        kpi.addAction(self.my_kpi_action)
        kpi.addSeparator()
        kpi.addAction(self.stop_run_action)

        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.account_label = QLabel(self.ctx.caller.login)
        self.account_label.setObjectName("accountLabel")
        self.run_label = QLabel()
        self.run_label.setObjectName("runStatusLabel")
        self.data_label = QLabel()
        self.data_label.setObjectName("dataStatusLabel")
        self.data_label.setVisible(False)
        self.run_progress = QProgressBar()
        self.run_progress.setObjectName("runProgress")
        self.run_progress.setMaximumWidth(160)
        self.run_progress.setTextVisible(False)
        self.run_progress.setVisible(False)
        self.stop_run_button = QToolButton()
        self.stop_run_button.setObjectName("stopRunButton")
        self.stop_run_button.setDefaultAction(self.stop_run_action)
        self.stop_run_button.setText(self.tr("Stop"))
        self.stop_run_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it
        self.stop_run_button.setVisible(False)
        bar.addWidget(self.account_label, 1)
        bar.addPermanentWidget(self.run_progress)
        bar.addPermanentWidget(self.stop_run_button)
        # "Beregnet i nat 02:00  CRM-data fra i går 01:30 — …": when, then on which data.
        bar.addPermanentWidget(self.run_label)
        bar.addPermanentWidget(self.data_label)

    # --- geometry -----------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value(GEOMETRY_KEY)
        # A geometry saved on a larger screen is not restored: it would not fit this one.
        if (geometry is None or not self.restoreGeometry(geometry)
                or not fits(self._normal_size(), usable_size(self))):  # fmt: skip
            self.resize(QSize(1200, 760).boundedTo(usable_size(self)))
        state = settings.value(STATE_KEY)
        if state is not None:
            self.restoreState(state)
        tab = settings.value(TAB_KEY)
        if tab is not None and str(tab).isdigit() and int(tab) < self.tabs.count():
            self.tabs.setCurrentIndex(int(tab))

    def _normal_size(self) -> QSize:
        return self.normalGeometry().size() if self.isMaximized() else self.size()

    def save_geometry(self) -> None:
        settings = QSettings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(STATE_KEY, self.saveState())
        settings.setValue(TAB_KEY, self.tabs.currentIndex())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        for dialog in list(self._dialogs.values()):
            dialog.close()
        if self.scheduler_bridge is not None:
            self.scheduler_bridge.stop()
            self.scheduler_bridge = None
        super().closeEvent(event)

    # --- CRM tabs -----------------------------------------------------------------------------
    def current_tab(self) -> CrmTab[Any]:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, CrmTab)
        return tab

    def _tab_shown(self, index: int) -> None:
        """Load a tab's rows the first time it is shown."""
        if index < 0 or index in self._loaded_tabs:
            return
        self._loaded_tabs.add(index)
        tab = self.tabs.widget(index)
        if isinstance(tab, CrmTab):
            tab.reload()

    def refresh_current_tab(self) -> None:
        self.current_tab().reload()

    def focus_search(self) -> None:
        search = self.current_tab().search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    # --- who is logged in ---------------------------------------------------------------------
    def refresh_account(self) -> None:
        desk = self.ctx.desk
        self.accountLoader.run(desk.account.details, self._show_account)

    def _show_account(self, account: auth.Account) -> None:
        role = self.tr("administrator") if account.role == "admin" else self.tr("user")
        who = self.tr("Logged in as {name} ({login})")
        parts = [who.format(name=account.name, login=account.login), role]
        if account.profile:
            parts.append(self.tr("profile {profile}").format(profile=account.profile))
        self.account_label.setText(" · ".join(parts))
        self.setWindowTitle(f"kpidesk – {account.name}")

    # --- "Mine KPI" -----------------------------------------------------------------------------
    def refresh_my_kpi(self) -> None:
        """Ask off-thread whether the user has an active rule; show or hide "Mine KPI"."""
        desk = self.ctx.desk
        self.myKpiLoader.run(
            desk.kpi.has_rules,
            lambda visible: self._set_my_kpi_visible(bool(visible)),
            lambda failure: log.warning("could not check the user's KPI rules: %s", failure.text),
        )

    def _set_my_kpi_visible(self, visible: bool) -> None:
        self.my_kpi_action.setVisible(visible)
        self.my_kpi_action.setEnabled(visible)
        self.myKpiVisibilityChecked.emit(visible)

    # --- the status bar's run status ------------------------------------------------------------
    def refresh_run_status(self) -> None:
        desk = self.ctx.desk
        known_tz = self.timezone

        def fetch() -> tuple[LastRun | None, ZoneInfo]:
            tz = known_tz or desk.timezone()
            return desk.kpi.run_status(), tz

        self.statusLoader.run(
            fetch, lambda result: self._show_run_status(*result), self._show_run_status_error
        )

    def _show_run_status(self, run: LastRun | None, tz: ZoneInfo) -> None:
        self.timezone = tz
        now = self.ctx.clock().astimezone(tz)
        self._set_run_label(run_status_text(run, now, tz))
        self._set_data_label(data_status_text(run, now, tz, self.ctx.language))
        self.statusRefreshed.emit()

    def _show_run_status_error(self, failure: Failure) -> None:
        self._set_run_label(RunStatusText(self.tr("Run status unknown"), True, failure.text))
        self.statusRefreshed.emit()

    def _set_run_label(self, status: RunStatusText) -> None:
        # Font and colour through QFont/QPalette (not a style sheet), so the label's size hint
        # knows the bold text and the status bar does not clip it.
        palette = QPalette(self.palette())
        if status.warning:
            palette.setColor(QPalette.ColorRole.WindowText, QColor(error_colour(self)))
        font = QFont(self.font())
        font.setBold(status.warning)
        self.run_label.setPalette(palette)
        self.run_label.setFont(font)
        self.run_label.setText(f"⚠ {status.text}" if status.warning else status.text)
        self.run_label.setToolTip(status.tooltip)
        self.run_label.setProperty("warning", status.warning)
        self.run_label.updateGeometry()

    def _set_data_label(self, status: RunStatusText | None) -> None:
        """The data line, cut to fit beside the run status; the whole line in the tooltip."""
        label = self.data_label
        label.setVisible(status is not None)
        if status is None:
            label.setText("")
            label.setToolTip("")
            return
        palette = QPalette(self.palette())
        if status.warning:
            palette.setColor(QPalette.ColorRole.WindowText, QColor(error_colour(self)))
        font = QFont(self.font())
        font.setBold(status.warning)
        label.setPalette(palette)
        label.setFont(font)
        text = f"⚠ {status.text}" if status.warning else status.text
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance("M") * DATA_LABEL_EM
        label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))
        label.setToolTip(status.tooltip)
        label.setAccessibleName(text)
        label.setProperty("warning", status.warning)
        label.updateGeometry()

    def _run_waiting(self, state: str) -> None:
        """A calculation of this app waits its turn: behind another here, or elsewhere."""
        self.run_progress.setRange(0, 0)
        self.run_progress.setVisible(True)
        self._show_stop(True)
        if state == "queued":
            text = self.tr("KPI calculation queued behind the one in progress…")
        else:
            text = self.tr("Waiting for a KPI calculation on another computer…")
        self._set_run_label(RunStatusText(text, False))

    def _run_started(self, _run_date: object) -> None:
        self.run_progress.setRange(0, 0)
        self.run_progress.setVisible(True)
        self._show_stop(True)
        self._set_run_label(RunStatusText(self.tr("Calculating the KPIs…"), False))

    def _show_stop(self, shown: bool) -> None:
        admin = self.ctx.caller.is_admin
        self.stop_run_action.setEnabled(shown and admin)
        self.stop_run_button.setVisible(shown and admin)
        self.stop_run_button.setText(self.tr("Stop"))

    def stop_run(self) -> None:
        """Stop this desktop's calculation after asking (No is the default)."""
        if not self.stop_run_action.isEnabled():
            return
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Stop calculation"),
            self.tr("Stop the KPI calculation? It stops after the rule it is calculating; "
                    "the figures stay as they were before it started."),
            buttons, self,
        )  # fmt: skip
        box.setObjectName("stopRunBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Stop"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Continue"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        desk = self.ctx.desk
        self._set_run_label(RunStatusText(self.tr("Stopping the KPI calculation…"), False))
        self.stopLoader.run(lambda: desk.runs.cancel(), lambda _stopped: None)

    def _run_progress(self, done: int, total: int) -> None:
        self.run_progress.setRange(0, max(total, 1))
        self.run_progress.setValue(done)

    def _run_finished(self, _summary: object) -> None:
        self.run_progress.setVisible(False)
        self._show_stop(False)
        self.refresh_run_status()
        self.refresh_my_kpi()

    # --- the KPI windows ----------------------------------------------------------------------
    def _open_dialog(self, key: str, make: Callable[[AppContext, QWidget], QDialog]) -> QDialog:
        """One instance of each KPI window: raise it if it is open, else create it."""
        dialog = self._dialogs.get(key)
        if dialog is None:
            dialog = make(self.ctx, self)
            self._dialogs[key] = dialog
            dialog.finished.connect(lambda _result, k=key: self._dialogs.pop(k, None))
            dialog.destroyed.connect(lambda _obj=None, k=key: self._dialogs.pop(k, None))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_setup(self) -> QDialog | None:
        if not self.ctx.caller.is_admin:
            return None
        from kpidesk.gui.setup import KpiSetupDialog

        return self._open_dialog("setup", KpiSetupDialog)

    def open_my_kpi(self) -> QDialog | None:
        if not self.my_kpi_action.isVisible():
            return None
        from kpidesk.gui.today_dialog import TodayKpiDialog

        return self._open_dialog("today", TodayKpiDialog)

    # --- scheduler ------------------------------------------------------------------------------
    def start_scheduler(self) -> None:
        """The in-app nightly schedule and catch-up (they report through ctx.events).

        Not for a user logged in as their own PostgreSQL role: the server's scheduler service
        calculates, and the role could not write a run anyway.
        """
        if self.ctx.db.login_role is not None and not self.ctx.caller.is_admin:
            log.info("no in-app scheduler: the scheduler service calculates the KPIs")
            return
        try:
            from kpidesk.gui.scheduler_bridge import SchedulerBridge
        except ImportError as exc:
            log.warning("no in-app scheduler: %s", exc)
            return
        bridge = SchedulerBridge(self.ctx, self)
        bridge.start()
        self.scheduler_bridge = bridge

    # --- account --------------------------------------------------------------------------------
    def account_changed(self, reason: str) -> None:
        """An administrator deactivated or demoted this person: say so once, then close.

        The services already refused the action; the window stops asking them and closes
        when the message is read, so the person logs in again with their rights as they are.
        """
        if self._account_changed_shown:
            return
        self._account_changed_shown = True
        self._status_timer.stop()
        self.setup_action.setVisible(False)
        if reason == "demoted":
            text = self.tr("You are no longer an administrator. Start kpidesk and log in again.")
        else:
            text = self.tr("Your account is no longer active. Ask an administrator.")
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Your account was changed"), text,
                          QMessageBox.StandardButton.Ok, self)  # fmt: skip
        box.setObjectName("accountChangedBox")
        box.finished.connect(self.close)
        self.account_box = box
        box.open()

    # --- menus ----------------------------------------------------------------------------------
    def choose_language(self, language: str) -> None:
        i18n.save_language(language)
        if language == self.ctx.language:
            return
        QMessageBox.information(
            self,
            self.tr("Language"),
            self.tr("The language changes when you start kpidesk again."),
        )

    def change_password(self) -> None:
        from kpidesk.gui.login import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.ctx.db, self.ctx.caller, self)
        dialog.exec()
        dialog.deleteLater()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About kpidesk"),
            self.tr(
                "<h3>kpidesk {version}</h3><p>KPIs for your CRM: calculated every night for "
                "every user, with history and forecast.</p><p>Database: {database}</p>"
            ).format(version=__version__, database=self.ctx.desk.display_url()),
        )
