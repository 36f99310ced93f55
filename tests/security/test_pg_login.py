"""kpidesk logged in as a person's own PostgreSQL role: the services work with the rights
the server gives, and refuse (the server does too) what the role may not do."""

from __future__ import annotations

import pytest

from kpidesk.data.db import DatabaseError
from kpidesk.engine.run import run_for_date
from kpidesk.services import auth, kpi, people, runs, setup
from kpidesk.services.caller import PermissionDenied
from kpidesk.services.team import team_scores
from tests.security.conftest import AS_OF, PASSWORDS, Installation

NO_SLEEP = lambda _s: None  # noqa: E731
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")


def test_the_desktop_url_holds_no_password(installation: Installation) -> None:
    url = installation.url()
    assert "@" not in url
    assert auth.server_login_url(url)
    assert not auth.server_login_url(installation.owner_url)
    assert not auth.server_login_url("sqlite:///kpi.sqlite3")


def test_wrong_password_unknown_and_inactive_fail_alike(installation: Installation) -> None:
    url = installation.url()
    tries = [("mette", "forkert-kode"), ("nobody", "whatever1"), ("ida", PASSWORDS["ida"]),
             ("kpi_owner", "ejer-kode-1234")]  # fmt: skip
    for login, password in tries:
        with pytest.raises(auth.LoginFailed):
            auth.server_login(url, login, password, sleep=NO_SLEEP)


def test_a_user_works_through_the_services(installation: Installation) -> None:
    db, mette = auth.server_login(installation.url(), "mette", PASSWORDS["mette"], sleep=NO_SLEEP)
    try:
        assert (mette.login, mette.role) == ("mette", "user")
        assert db.login_role == "mette" and "mettes-kode" not in db.display_url()
        today = kpi.todays_kpis(db, mette, "mette", as_of=AS_OF)
        assert [(item.rule, item.value) for item in today.kpis] == [("Planlagte salgsmøder", 1.0)]
        assert auth.account(db, mette).profile == "Salg"
        with pytest.raises(PermissionDenied):
            kpi.todays_kpis(db, mette, "jonas", as_of=AS_OF)
        with pytest.raises(PermissionDenied):
            runs.run_now(db, mette, AS_OF)
        # Past the service's own check, the server still says no.
        with pytest.raises(Exception, match="permission denied"):
            run_for_date(db, AS_OF)
        auth.set_password(db, mette, "mette", "mettes-nye-kode")
    finally:
        db.dispose()
    db, _ = auth.server_login(installation.url(), "mette", "mettes-nye-kode", sleep=NO_SLEEP)
    db.dispose()


def test_an_administrator_works_through_the_services(installation: Installation) -> None:
    db, karen = auth.server_login(installation.url(), "karen", PASSWORDS["karen"], sleep=NO_SLEEP)
    try:
        assert karen.is_admin
        users = {u.login: u for u in people.list_users(db, karen)}
        assert users["mette"].has_password and not users["ida"].has_password
        rule = setup.list_rules(db, karen)[0]
        draft = setup.RuleDraft(name=rule.name, template=rule.template, params=rule.params,
                                target=2, profile_ids=rule.profile_ids)  # fmt: skip
        setup.update_rule(db, karen, rule.id, draft)
        summary = runs.run_now(db, karen, AS_OF)  # "Beregn nu"
        assert summary.status == "success"
        team = team_scores(db, karen, as_of=AS_OF)
        assert {row.login for row in team.rows} == {"karen", "mette", "jonas"}
        people.set_user_password(db, karen, users["jonas"].id, "jonas-fra-karen")
    finally:
        db.dispose()
    db, jonas = auth.server_login(installation.url(), "jonas", "jonas-fra-karen", sleep=NO_SLEEP)
    try:
        today = kpi.todays_kpis(db, jonas, "jonas", as_of=AS_OF)
        assert [(item.value, item.score) for item in today.kpis] == [(2.0, 1.0)]  # target 2 now
    finally:
        db.dispose()


def test_a_role_cannot_upgrade_the_schema(installation: Installation) -> None:
    from kpidesk.data.db import upgrade

    db, _ = auth.server_login(installation.url(), "karen", PASSWORDS["karen"], sleep=NO_SLEEP)
    try:
        with db.connect(write=True) as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
        assert upgrade(db) is False  # at head: nothing to do, nothing asked
        with pytest.raises(DatabaseError, match="only its owner may run"):
            upgrade(db, "0002")
    finally:
        db.dispose()


def test_the_app_logs_in_through_the_server(
    installation: Installation,
    qtbot,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtCore import Qt

    from kpidesk.gui import runner as gui_runner
    from kpidesk.gui.context import AppContext
    from kpidesk.gui.login import LoginDialog
    from kpidesk.gui.main_window import MainWindow

    dialog = LoginDialog(None, server_url=installation.url(), sleep=NO_SLEEP)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.user.setText("mette")
    qtbot.keyClicks(dialog.password, "forkert-kode")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    assert dialog.error.text() == "The login or the password is not right."
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORDS["mette"])
    with qtbot.waitSignal(dialog.accepted, timeout=15_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    db, caller = dialog.db, dialog.caller
    assert db is not None and caller is not None and db.login_role == "mette"
    try:
        window = MainWindow(AppContext(db=db, caller=caller), today=AS_OF)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=15_000)
        qtbot.waitUntil(lambda: window.my_kpi_action.isVisible(), timeout=15_000)
        assert window.scheduler_bridge is None  # the scheduler service calculates
        assert window.companies.model.rowCount() == 1
        window.grab().save(str(tmp_path / "server-login.png"))
        window.close()
    finally:
        gui_runner.pool().waitForDone(15_000)
        db.dispose()
