"""The main window as people see it: toolbar by role and rules, status bar, CRM tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QToolButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kpidesk.data.db import Database
from kpidesk.data.models import KpiRule, KpiRun, Profile
from kpidesk.gui import i18n
from kpidesk.gui import runner as gui_runner
from kpidesk.gui.context import AppContext
from kpidesk.gui.main_window import GEOMETRY_KEY, STATE_KEY, TAB_KEY, MainWindow
from kpidesk.gui.run_status import run_status_text
from kpidesk.services import setup
from kpidesk.services.caller import Caller
from kpidesk.services.kpi import LastRun
from kpidesk.services.people import list_profiles
from tests.gui.test_crm_models import TODAY, seed_crm

WAIT_MS = 15_000
CPH = ZoneInfo("Europe/Copenhagen")
# The offscreen platform cannot resize to hints or raise windows, and says so.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Each window starts without a remembered geometry or tab."""
    for key in (GEOMETRY_KEY, STATE_KEY, TAB_KEY):
        QSettings().remove(key)
    yield
    for key in (GEOMETRY_KEY, STATE_KEY, TAB_KEY):
        QSettings().remove(key)


def open_window(qtbot: QtBot, db: Database, caller: Caller) -> MainWindow:
    window = MainWindow(AppContext(db=db, caller=caller), start_scheduler=False, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    return window


def button(window: MainWindow, name: str) -> QToolButton:
    found = window.findChild(QToolButton, name)
    assert found is not None, name
    return found


def shown(qtbot: QtBot, window: MainWindow, name: str) -> bool:
    """Whether the toolbar shows the button, once its layout has caught up (it is posted)."""
    qtbot.wait(30)
    return button(window, name).isVisible()


def add_rule(db: Database, profile: str, name: str = "Planlagte salgsmøder") -> None:
    with db.session(write=True) as session:
        prof = session.scalar(select(Profile).where(Profile.name == profile))
        session.add(KpiRule(name=name, template="planned_meetings", params={"days": 14},
                            target=10, active=True, profiles=[prof]))  # fmt: skip


def test_admin_sees_setup_but_not_my_kpi(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    window = open_window(qtbot, db, people.admin)
    assert window.objectName() == "mainWindow"
    assert shown(qtbot, window, "kpiSetupButton")
    assert button(window, "kpiSetupButton").text() == "KPI setup"
    assert not shown(qtbot, window, "myKpiButton")  # the admin has no profile, no rules
    assert window.account_label.text() == ("Logged in as Anne Admin (admin) · administrator")
    assert window.windowTitle() == "kpidesk – Anne Admin"


def test_user_without_rules_sees_neither_button(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    window = open_window(qtbot, db, people.mette)
    assert not shown(qtbot, window, "kpiSetupButton")
    assert not shown(qtbot, window, "myKpiButton")
    assert window.open_setup() is None  # not even through the shortcut's slot
    assert window.account_label.text() == (
        "Logged in as Mette Hansen (mette) · user · profile Salg"
    )


def test_user_with_rules_sees_my_kpi(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    add_rule(db, "Support")
    window = open_window(qtbot, db, people.jonas)
    assert shown(qtbot, window, "myKpiButton")
    assert button(window, "myKpiButton").text() == "My KPIs"
    assert window.my_kpi_action.shortcut().toString() == "Ctrl+M"


def test_my_kpi_appears_without_restart_when_the_setup_changes(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    window = open_window(qtbot, db, people.mette)
    assert not shown(qtbot, window, "myKpiButton")
    # The administrator adds a rule for Salg through the setup service (as the dialog does).
    salg = next(p for p in list_profiles(db, people.admin) if p.name == "Salg")
    setup.create_rule(db, people.admin, setup.RuleDraft(
        name="Planlagte salgsmøder", template="planned_meetings", params={"days": 14},
        target=10, profile_ids=(salg.id,)))  # fmt: skip
    with qtbot.waitSignal(window.myKpiVisibilityChecked, timeout=WAIT_MS) as checked:
        window.ctx.events.setupChanged.emit()
    assert checked.args == [True]
    assert shown(qtbot, window, "myKpiButton")
    # ... and disappears again when the rule is switched off.
    with db.session(write=True) as session:
        for rule in session.scalars(select(KpiRule)):
            rule.active = False
    with qtbot.waitSignal(window.myKpiVisibilityChecked, timeout=WAIT_MS):
        window.ctx.events.runFinished.emit(None)
    assert not shown(qtbot, window, "myKpiButton")


def add_run(db: Database, status: str, finished: dt.datetime | None, error: str | None = None,
            run_date: dt.date | None = None) -> None:  # fmt: skip
    with db.session(write=True) as session:
        started = (finished or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=5)
        session.add(KpiRun(run_date=run_date or started.date(), started_at=started,
                           finished_at=finished, status=status, trigger="nightly",
                           error=error))  # fmt: skip


def run_label(window: MainWindow) -> QLabel:
    label = window.findChild(QLabel, "runStatusLabel")
    assert label is not None
    return label


def test_status_bar_follows_the_runs(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    window = open_window(qtbot, db, people.mette)
    assert run_label(window).text() == "The KPIs have not been calculated yet"
    assert run_label(window).property("warning") is False

    just_now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    add_run(db, "success", just_now)
    with qtbot.waitSignal(window.statusRefreshed, timeout=WAIT_MS):
        window.ctx.events.runFinished.emit(None)
    local = just_now.astimezone(CPH)
    assert run_label(window).text().startswith("Calculated ")
    assert run_label(window).text().endswith(f"{local:%H:%M}")
    assert run_label(window).property("warning") is False

    add_run(db, "failed", dt.datetime.now(dt.UTC), error="OperationalError: disk full\nmore")
    with qtbot.waitSignal(window.statusRefreshed, timeout=WAIT_MS):
        window.ctx.events.runFinished.emit(None)
    assert run_label(window).text().startswith("⚠ The last KPI calculation failed – figures: ")
    assert run_label(window).toolTip() == "OperationalError: disk full"
    assert run_label(window).property("warning") is True


def test_run_progress_shows_in_the_status_bar(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    window = open_window(qtbot, db, people.admin)
    window.ctx.events.runStarted.emit(TODAY)
    assert window.run_progress.isVisible()
    assert run_label(window).text() == "Calculating the KPIs…"
    window.ctx.events.runProgress.emit(3, 10)
    assert (window.run_progress.value(), window.run_progress.maximum()) == (3, 10)
    with qtbot.waitSignal(window.statusRefreshed, timeout=WAIT_MS):
        window.ctx.events.runFinished.emit(None)
    assert not window.run_progress.isVisible()


def last_run(status: str, finished: dt.datetime | None, success: dt.datetime | None = None,
             error: str | None = None) -> LastRun:  # fmt: skip
    started = finished or success or dt.datetime(2026, 11, 27, 1, tzinfo=dt.UTC)
    return LastRun(run_date=started.date(), started_at=started, finished_at=finished,
                   status=status, error=error, trigger="nightly", last_success_date=None,
                   last_success_at=success)  # fmt: skip


def cph(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CPH)


def test_status_texts_in_english() -> None:
    now = cph(27, 9, 30)
    assert run_status_text(None, now, CPH).text == "The KPIs have not been calculated yet"
    ok = run_status_text(last_run("success", cph(27, 2, 0)), now, CPH)
    assert (ok.text, ok.warning) == ("Calculated last night at 02:00", False)
    assert run_status_text(last_run("success", cph(27, 8, 5)), now, CPH).text == (
        "Calculated today at 08:05"
    )
    assert run_status_text(last_run("success", cph(26, 14, 5)), now, CPH).text == (
        "Calculated yesterday at 14:05"
    )
    old = run_status_text(last_run("success", cph(25, 2, 0)), now, CPH)
    assert old.warning and old.text == "Calculated 25/11/2026 02:00 – more than a day ago"
    failed = run_status_text(last_run("failed", cph(27, 2, 1), cph(26, 2, 0), "boom"), now, CPH)
    assert failed.warning and failed.tooltip == "boom"
    assert failed.text == "The last KPI calculation failed – figures: Calculated yesterday at 02:00"
    stopped = run_status_text(
        last_run("failed", cph(27, 9, 1), cph(26, 2, 0), "cancelled by anna"), now, CPH
    )
    assert not stopped.warning and stopped.tooltip == "cancelled by anna"
    assert stopped.text == (
        "The last KPI calculation was stopped – figures: Calculated yesterday at 02:00"
    )
    busy = LastRun(run_date=dt.date(2026, 11, 27), started_at=cph(27, 9, 0), finished_at=None,
                   status="running", error=None, trigger="manual",
                   last_success_at=cph(26, 2, 0))  # fmt: skip
    running = run_status_text(busy, now, CPH)
    assert (running.text, running.warning) == ("Calculating the KPIs…", False)
    killed = LastRun(run_date=dt.date(2026, 11, 27), started_at=cph(27, 2, 30), finished_at=None,
                     status="running", error=None, trigger="manual",
                     last_success_at=cph(27, 2, 0))  # fmt: skip
    stale = run_status_text(killed, now, CPH)  # "running" for 7 hours: its process is gone
    assert (stale.text, stale.warning) == ("Calculated last night at 02:00", False)


def test_status_texts_in_danish(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert app is not None
    i18n.install_translations(app, "da")
    try:
        now = cph(27, 9, 30)
        assert run_status_text(last_run("success", cph(27, 2, 0)), now, CPH).text == (
            "Beregnet i nat 02:00"
        )
        assert run_status_text(last_run("success", cph(27, 14, 5)), cph(27, 15, 0), CPH).text == (
            "Beregnet i dag 14:05"
        )
        old = run_status_text(last_run("success", cph(25, 14, 5)), now, CPH)
        assert old.text == "Beregnet 25-11-2026 14:05 – mere end et døgn siden"
        assert run_status_text(None, now, CPH).text == "KPI'erne er ikke beregnet endnu"
    finally:
        i18n.install_translations(app, "en")


def test_crm_tabs_load_lazily_and_keyboard_works(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    window = open_window(qtbot, db, people.mette)
    assert window.companies.model.rowCount() == 4
    assert window.activities.model.rowCount() == 0  # not shown yet
    with qtbot.waitSignal(window.activities.loaded, timeout=WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.activities
    assert window.activities.model.rowCount() == 6  # 30 days back to 60 ahead
    window.focus_search()
    assert window.activities.search.hasFocus() or QApplication.focusWidget() is None
    with qtbot.waitSignal(window.opportunities.loaded, timeout=WAIT_MS):
        window.tabs.setCurrentIndex(2)
    assert window.opportunities.model.rowCount() == 3


def test_geometry_and_tab_are_remembered(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    window = open_window(qtbot, db, people.mette)
    window.resize(720, 500)
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    window.close()
    again = open_window(qtbot, db, people.mette)
    assert (again.width(), again.height()) == (720, 500)
    assert again.tabs.currentIndex() == 2


def test_geometry_from_a_larger_screen_is_not_restored(db: Database, qtbot: QtBot) -> None:
    from kpidesk.gui.geometry import fits, usable_size

    people = seed_crm(db)
    window = open_window(qtbot, db, people.mette)
    window.resize(2400, 1500)  # as on a large office monitor; the test screen is 800×800
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    window.close()
    again = open_window(qtbot, db, people.mette)
    assert (again.width(), again.height()) != (2400, 1500)
    assert fits(again.size(), usable_size(again))


def test_about_names_the_version(db: Database, qtbot: QtBot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from kpidesk import __version__

    people = seed_crm(db)
    window = open_window(qtbot, db, people.mette)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close_box)
            return
        seen.append(box.text())
        box.close()

    QTimer.singleShot(20, close_box)
    window.about_action.trigger()
    assert seen and f"kpidesk {__version__}" in seen[0]


def test_toolbar_buttons_open_the_kpi_windows(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    add_rule(db, "Salg")
    admin_window = open_window(qtbot, db, people.admin)
    qtbot.mouseClick(button(admin_window, "kpiSetupButton"), Qt.MouseButton.LeftButton)
    setup = admin_window._dialogs["setup"]
    assert setup.objectName() == "kpiSetupDialog" and setup.isVisible()
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    # Ctrl+K again brings the same window forward instead of a second one.
    assert admin_window.open_setup() is setup
    setup.close()
    qtbot.waitUntil(lambda: "setup" not in admin_window._dialogs, timeout=WAIT_MS)

    window = open_window(qtbot, db, people.mette)
    assert shown(qtbot, window, "myKpiButton")
    qtbot.mouseClick(button(window, "myKpiButton"), Qt.MouseButton.LeftButton)
    today = window._dialogs["today"]
    assert today.objectName() == "todayKpiDialog" and today.isVisible()
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    today.close()


def test_void_calls_cannot_exhaust_none(qtbot: QtBot) -> None:
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None per void call: never again."""
    import sys

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 100


def test_background_answers_survive_owners_held_only_by_their_callbacks(qtbot: QtBot) -> None:
    """A callback may hold its owner's last reference: the runner lets go of both safely."""
    from PySide6.QtWidgets import QWidget

    delivered: list[int] = []
    for _round in range(100):
        owner = QWidget()
        for job in range(5):
            gui_runner.run_in_background(
                owner, lambda j=job: j, lambda value, o=owner: delivered.append(value)
            )
        del owner  # only the callbacks keep it now
        qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    assert len(delivered) == 500


def test_my_kpi_follows_a_profile_changed_in_the_setup_dialog(db: Database, qtbot: QtBot) -> None:
    """The whole way: Ctrl+K, Brugere, the administrator's own profile set to Salg in place."""
    from kpidesk.gui.setup_models import UsersModel

    people = seed_crm(db)
    add_rule(db, "Salg")
    window = open_window(qtbot, db, people.admin)
    assert not shown(qtbot, window, "myKpiButton")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window._dialogs["setup"]
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    users = dialog.usersPage.model  # type: ignore[attr-defined]
    row = next(r for r in range(users.rowCount()) if users.index(r, 0).data() == "admin")
    salg = next(p.id for p in list_profiles(db, people.admin) if p.name == "Salg")
    with qtbot.waitSignal(window.myKpiVisibilityChecked, timeout=WAIT_MS) as checked:
        assert users.setData(users.index(row, UsersModel.COL_PROFILE), salg)
    assert checked.args == [True]
    assert shown(qtbot, window, "myKpiButton")
    dialog.close()
