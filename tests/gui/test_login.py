"""The login flow as a user drives it: right and wrong passwords, first administrator, start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kpidesk.data.db import Database
from kpidesk.gui import app as app_module
from kpidesk.gui import i18n, runner
from kpidesk.gui.login import LAST_LOGIN_KEY, ChangePasswordDialog, FirstAdminDialog, LoginDialog
from kpidesk.services import auth
from tests.gui.test_crm_models import seed_crm

WAIT_MS = 15_000
# The offscreen platform says so whenever a dialog with a minimum size is shown.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Each test starts with no failure counts and no remembered login."""
    auth.reset_failures()
    QSettings().remove(LAST_LOGIN_KEY)
    yield
    auth.reset_failures()
    QSettings().remove(LAST_LOGIN_KEY)


def type_login(qtbot: QtBot, dialog: LoginDialog, login: str, password: str) -> None:
    dialog.user.clear()
    dialog.password.clear()
    qtbot.keyClicks(dialog.user, login)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_right_password_logs_in_with_enter(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    dialog = LoginDialog(db, sleep=Sleeps())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.objectName() == "loginDialog"
    assert dialog.findChild(type(dialog.user), "loginUser") is dialog.user
    assert dialog.findChild(type(dialog.user), "loginPassword") is dialog.password
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        type_login(qtbot, dialog, "mette", "rigtig-kode")
    assert dialog.caller == people.mette
    # The next start offers the same login and puts the cursor in the password field.
    again = LoginDialog(db, sleep=Sleeps())
    qtbot.addWidget(again)
    assert again.user.text() == "mette"


def test_wrong_password_and_unknown_login_read_the_same(db: Database, qtbot: QtBot) -> None:
    seed_crm(db)
    sleeps = Sleeps()
    dialog = LoginDialog(db, sleep=sleeps)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = []
    for login, password in (("mette", "forkert"), ("nobody", "rigtig-kode"),
                             ("mette", "stadig-forkert")):  # fmt: skip
        before = len(sleeps)
        type_login(qtbot, dialog, login, password)
        qtbot.waitUntil(lambda b=before: len(sleeps) > b and not dialog.busy, timeout=WAIT_MS)
        assert dialog.isVisible() and dialog.caller is None
        assert dialog.error.isVisible()
        texts.append(dialog.error.text())
    assert texts == ["The login or the password is not right."] * 3
    # A growing delay per login: mette twice (0.5 s, 1 s), the unknown login once.
    assert sleeps == [0.5, 0.5, 1.0]
    assert dialog.password.hasSelectedText() or dialog.password.text() == ""
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        type_login(qtbot, dialog, "mette", "rigtig-kode")


def test_tab_order_and_mnemonics(db: Database, qtbot: QtBot) -> None:
    dialog = LoginDialog(db, sleep=Sleeps())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.user.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(dialog.user, Qt.Key.Key_Tab)
    assert dialog.password.hasFocus()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Tab)
    assert dialog.login_button.hasFocus()
    qtbot.keyClick(dialog.login_button, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert dialog.user.hasFocus()  # Alt+L: the "&Login" label's buddy


def test_empty_login_is_refused_in_place(db: Database, qtbot: QtBot) -> None:
    dialog = LoginDialog(db, sleep=Sleeps())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "Enter your login." and not dialog.busy


def test_escape_quits(db: Database, qtbot: QtBot) -> None:
    dialog = LoginDialog(db, sleep=Sleeps())
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.keyClick(dialog.user, Qt.Key.Key_Escape)
    assert dialog.caller is None


def test_first_administrator_on_an_empty_database(db: Database, qtbot: QtBot) -> None:
    assert auth.needs_first_admin(db)
    dialog = FirstAdminDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.login, "chef")
    qtbot.keyClicks(dialog.name, "Chefen")
    qtbot.keyClicks(dialog.password, "hemmelig-kode")
    qtbot.keyClicks(dialog.repeat, "hemmelig-kodx")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.error.text() == "The two passwords differ." and dialog.isVisible()
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "hemmelig-kode")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.caller is not None and dialog.caller.is_admin
    assert not auth.needs_first_admin(db)
    assert auth.authenticate(db, "chef", "hemmelig-kode", sleep=Sleeps()) == dialog.caller


def test_short_password_for_the_first_admin(db: Database, qtbot: QtBot) -> None:
    dialog = FirstAdminDialog(db)
    qtbot.addWidget(dialog)
    dialog.login.setText("chef")
    dialog.password.setText("kort")
    dialog.repeat.setText("kort")
    dialog.accept()
    assert dialog.error.text() == "The password needs at least 8 characters."
    assert auth.needs_first_admin(db)


def test_log_in_asks_for_the_first_admin_only_on_an_empty_database(
    db: Database, qtbot: QtBot
) -> None:
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.objectName())
        dialog.reject()

    QTimer.singleShot(20, answer)
    assert app_module.log_in(db) is None
    seed_crm(db)
    QTimer.singleShot(20, answer)
    assert app_module.log_in(db) is None
    assert seen == ["firstAdminDialog", "loginDialog"]


def test_change_own_password(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    sleeps = Sleeps()
    dialog = ChangePasswordDialog(db, people.mette, sleep=sleeps)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.current.setText("forkert")
    dialog.new.setText("ny-hemmelig")
    dialog.repeat.setText("ny-hemmelig")
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT_MS)
    assert dialog.error.text() == "The current password is not right." and sleeps == [0.5]
    dialog.current.setText("rigtig-kode")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.accept()
    assert auth.authenticate(db, "mette", "ny-hemmelig", sleep=sleeps).login == "mette"


def test_a_database_error_at_start_is_one_message(qtbot: QtBot, tmp_path: object) -> None:
    shown: list[tuple[str, str]] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close_box)
            return
        shown.append((box.objectName(), box.informativeText()))
        box.close()

    QTimer.singleShot(20, close_box)
    app_module.make_application()  # the names run() gives QSettings, so the choice is found
    i18n.save_language("en")
    try:
        status = app_module.run("sqlite:////no/such/folder/kpidesk.sqlite3", demo=False)
    finally:
        QSettings().remove(i18n.SETTINGS_KEY)
        i18n.install_translations(QApplication.instance(), "en")  # type: ignore[arg-type]
    assert status == 1
    assert shown == [("startError", "The database cannot be opened: folder /no/such/folder of "
                      "the database file does not exist")]  # fmt: skip


def test_danish_login_dialog(db: Database, qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert app is not None
    loaded = i18n.install_translations(app, "da")
    try:
        assert "shell_da.qm" in loaded
        dialog = LoginDialog(db, sleep=Sleeps())
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "Log ind – kpidesk"
        assert dialog.login_button.text() == "Log ind"
        dialog.show()
        type_login(qtbot, dialog, "nobody", "x")
        qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT_MS)
        assert dialog.error.text() == "Login eller adgangskode er ikke rigtig."
    finally:
        i18n.install_translations(app, "en")


def test_the_whole_start_logs_in_and_opens_the_main_window(db_url: str, db: Database,
                                                           qtbot: QtBot) -> None:  # fmt: skip
    """`run()` as `kpidesk --db URL` does it: login shown at once, database opened behind it,
    and no statement of the start itself (app.py) on the GUI thread."""
    seed_crm(db)
    seen: list[str] = []
    from_app_on_gui_thread: list[str] = []

    def statement(conn, cursor, sql, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            return
        gui_frames = [frame.filename for frame in traceback.extract_stack()
                      if f"kpidesk{os.sep}gui{os.sep}" in frame.filename]  # fmt: skip
        if gui_frames and gui_frames[-1].endswith(f"gui{os.sep}app.py"):
            from_app_on_gui_thread.append(sql)

    def log_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, log_in)
            return
        seen.append(dialog.objectName())
        dialog.user.setText("mette")
        dialog.password.setText("rigtig-kode")
        dialog.accept()  # may come before the database is open: it goes ahead once it is
        QTimer.singleShot(20, close_main)

    def close_main() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if w.objectName() == "mainWindow" and w.isVisible()]  # fmt: skip
        if not windows or runner.busy():
            QTimer.singleShot(20, close_main)
            return
        seen.append(windows[0].windowTitle())
        windows[0].close()

    QTimer.singleShot(0, log_in)
    app_module.make_application()
    i18n.save_language("en")
    event.listen(Engine, "before_cursor_execute", statement)
    try:
        status = app_module.run(db_url, demo=False)
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        QSettings().remove(i18n.SETTINGS_KEY)
        i18n.install_translations(QApplication.instance(), "en")  # type: ignore[arg-type]
    assert status == 0
    assert seen == ["loginDialog", "kpidesk – Mette Hansen"]
    assert from_app_on_gui_thread == []


def test_login_typed_before_the_database_is_open(db: Database, qtbot: QtBot) -> None:
    seed_crm(db)
    dialog = LoginDialog(None, sleep=Sleeps())
    qtbot.addWidget(dialog)
    dialog.show()
    type_login(qtbot, dialog, "mette", "rigtig-kode")
    assert dialog.waiting_for_database and dialog.busy
    assert dialog.status.text() == "Opening the database…"
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.set_database(db)
    assert dialog.caller is not None and dialog.caller.login == "mette"


# --- languages ----------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
SHELL_SOURCES = ["kpidesk/gui/app.py", "kpidesk/gui/login.py", "kpidesk/gui/main_window.py",
                 "kpidesk/gui/run_status.py", "kpidesk/gui/crm_views.py",
                 "kpidesk/gui/crm_models.py"]  # fmt: skip


def messages(ts: Path) -> dict[tuple[str, str], str]:
    tree = ElementTree.parse(ts)
    found = {}
    for context in tree.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            unfinished = translation.get("type") == "unfinished"
            found[(name, message.findtext("source") or "")] = (
                "" if unfinished else (translation.text or "")
            )
    return found


def test_every_shell_string_has_a_danish_translation(tmp_path: Path) -> None:
    """lupdate over the sources finds nothing new, and every message is translated."""
    committed = messages(REPO / "resources/i18n/shell_da.ts")
    fresh = tmp_path / "shell_da.ts"
    shutil.copy(REPO / "resources/i18n/shell_da.ts", fresh)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), "-silent", "-no-obsolete", *SHELL_SOURCES, "-ts", str(fresh)],
                   cwd=REPO, check=True, capture_output=True, timeout=120)  # fmt: skip
    assert set(messages(fresh)) == set(committed)
    assert [key for key, text in committed.items() if not text.strip()] == []


def test_language_choice(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QLocale

    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert i18n.choose_language(store, english) == "en"
    assert i18n.choose_language(store, german) == "da"  # Danish first for anyone else
    i18n.save_language("da", store)
    assert i18n.choose_language(store, english) == "da"  # the menu's choice wins
    with pytest.raises(ValueError):
        i18n.save_language("sv", store)


def test_installing_a_language_sets_the_locale(qtbot: QtBot) -> None:
    from PySide6.QtCore import QLocale

    app = QApplication.instance()
    assert app is not None
    try:
        loaded = i18n.install_translations(app, "da")
        assert "shell_da.qm" in loaded and "qtbase_da.qm" in loaded
        assert QLocale().toString(1234567) == "1.234.567"
        english = i18n.install_translations(app, "en")  # only the plural forms
        assert english and all(name.endswith("_en.qm") for name in english)
        assert QLocale().toString(1234567) == "1,234,567"
    finally:
        i18n.install_translations(app, "en")
