"""A person deactivated or demoted after logging in loses the rights at their next action."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

import kpidesk.services
from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.gui import runner as gui_runner
from kpidesk.gui.context import AppContext
from kpidesk.gui.main_window import MainWindow
from kpidesk.services import auth, kpi, setup
from kpidesk.services.caller import SYSTEM_CLI, AccountChanged, Caller
from tests.gui.test_crm_models import TODAY, seed_crm

PASSWORD = "rigtig-kode"
USERS = "login,name,email,role,active,profile\n"
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")


def test_every_service_taking_a_caller_checks_it_first() -> None:
    unchecked = []
    for info in pkgutil.iter_modules(kpidesk.services.__path__):
        module = importlib.import_module(f"kpidesk.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_") or name == "current":
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:1] == ["db"] and "caller" in params:
                if not getattr(fn, "__kpidesk_checked__", False):
                    unchecked.append(f"{module.__name__}.{name}")
    assert unchecked == []


def import_users(db_url: str, folder: Path, rows: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "users.csv").write_text(USERS + rows, encoding="utf-8")
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0


def log_in(db: Database, login: str) -> Caller:
    auth.set_password(db, SYSTEM_CLI, login, PASSWORD)
    return auth.authenticate(db, login, PASSWORD, sleep=lambda _s: None)


def test_deactivated_and_demoted_people_are_refused(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    import_users(db_url, tmp_path / "a",
                 "karen,Karen Holm,,admin,true,\nanna,Anna Berg,,admin,true,\n"
                 "mette,Mette Sørensen,,user,true,Salg\n")  # fmt: skip
    log_in(db, "karen")  # the other administrator, who stays
    anna, mette = log_in(db, "anna"), log_in(db, "mette")
    assert setup.list_rules(db, anna) == []
    assert kpi.has_rules(db, mette, "mette") is False

    import_users(db_url, tmp_path / "b",
                 "anna,Anna Berg,,user,true,\nmette,Mette Sørensen,,user,false,Salg\n")  # fmt: skip
    with pytest.raises(AccountChanged, match="no longer an administrator") as demoted:
        setup.list_rules(db, anna)
    assert demoted.value.reason == "demoted"
    with pytest.raises(AccountChanged, match="no longer active") as inactive:
        kpi.has_rules(db, mette, "mette")
    assert inactive.value.reason == "inactive"
    with pytest.raises(AccountChanged):  # even her own password
        auth.set_password(db, mette, "mette", "en-anden-kode")
    # Logging in again gives the rights as they are now.
    assert auth.authenticate(db, "anna", PASSWORD, sleep=lambda _s: None).role == "user"
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(db, "mette", PASSWORD, sleep=lambda _s: None)


def test_the_window_says_so_and_closes(
    db_url: str, db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    people = seed_crm(db)
    window = MainWindow(AppContext(db=db, caller=people.mette), start_scheduler=False,
                        today=TODAY)  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=15_000)
    import_users(db_url, tmp_path / "c", "mette,Mette Hansen,,user,false,Salg\n")
    window.refresh_my_kpi()  # what the status timer does every minute; any action does too
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "accountChangedBox") is not None,
                    timeout=15_000)  # fmt: skip
    box = window.findChild(QMessageBox, "accountChangedBox")
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    assert box.text() == "Your account is no longer active. Ask an administrator."
    window.grab().save(str(tmp_path / "window.png"))
    box.grab().save(str(tmp_path / "box.png"))
    window.companies.reload()
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=15_000)
    assert len(window.findChildren(QMessageBox, "accountChangedBox")) == 1  # said once
    box.accept()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
