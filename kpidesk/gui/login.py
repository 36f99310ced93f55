"""The login dialog, and the first administrator's dialog on an empty installation.

The password check (hashing, and the deliberate delay after failures) runs on a worker
thread; the dialog stays responsive and says "checking" meanwhile. Every failure reads the
same, whatever its cause.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from kpidesk.gui.geometry import open_at_size
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.widgets import heading
from kpidesk.services.caller import Caller

if TYPE_CHECKING:
    from kpidesk.services.auth import SleepFn
    from kpidesk.services.database import Database

# The auth service (and with it SQLAlchemy and argon2) is imported where it is used, not
# here: the login dialog is the first thing people see and paints before the database opens.

log = logging.getLogger("kpidesk.gui")

LAST_LOGIN_KEY = "login/last"
# Slow work (opening the database, the decoy hash) starts once the dialog's first frame is
# painted, so it does not compete with it for the interpreter; at the latest after this delay.
SLOW_WORK_DELAY_MS = 250


def error_colour(widget: QWidget) -> str:
    """A calm red that keeps its contrast on light and dark palettes."""
    palette = widget.palette()  # kept alive: color() returns a reference into it
    dark = QColor(palette.color(QPalette.ColorRole.Window)).lightness() < 128
    return "#ff8a80" if dark else "#b3261e"


def app_icon() -> QIcon:
    from kpidesk import paths

    icon = QIcon()
    folder = paths.resource_path("icons")
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = folder / f"kpidesk-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    return icon


def _prepare_decoy() -> str:
    """On a worker thread: the first import of the auth service happens there, too."""
    from kpidesk.services import auth

    return auth.prepare_decoy()


class _Header(QWidget):
    """The app's icon, name and one line of what it is."""

    def __init__(self, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(48, 48))
        title = heading("kpidesk", None, scale=1.6)
        sub = QLabel(subtitle)
        sub.setWordWrap(True)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(title)
        texts.addWidget(sub)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(12)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(texts, 1)


class _CheckingDialog(QDialog):
    """What both dialogs share: an error line in place and a busy state while checking."""

    def __init__(self, db: Database | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.caller: Caller | None = None
        self.busy = False
        self.checker = Loader(self)  # the one check under way (login, new password …)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.error.setStyleSheet(f"color: {error_colour(self)};")
        self.error.setAccessibleName(self.tr("Error"))
        self.buttons = QDialogButtonBox()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.fields: list[QLineEdit] = []

    def open_at_default_size(self, key: str) -> None:
        """Its laid-out size (or the one the person gave it, remembered under `key`)."""
        open_at_size(self, key, self.sizeHint().expandedTo(self.minimumSize()))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        for field in self.fields:
            field.setEnabled(not busy)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(not busy)
            if not busy:
                ok.setDefault(True)  # disabling it took away Enter's default button
        if busy:
            self.show_error("")
            self.status.setText(message)
        else:
            self.status.setText("")
        self.status.setVisible(busy)

    def build_status(self) -> QLabel:
        self.status = QLabel()
        self.status.setVisible(False)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return self.status

    def failure_text(self, failure: Failure) -> str:
        from kpidesk.services import auth
        from kpidesk.services.database import DatabaseError

        exc = failure.error
        if isinstance(exc, auth.LoginFailed):
            return self.tr("The login or the password is not right.")
        if isinstance(exc, DatabaseError):
            return self.tr("The database cannot be reached: {message}").format(message=str(exc))
        log.error("unexpected failure in %s", type(self).__name__, exc_info=exc)
        return self.tr("Something went wrong: {message}").format(message=failure.text)


class LoginDialog(_CheckingDialog):
    """Login and password; Enter logs in, Escape quits. `caller` is set when accepted.

    It may open before the database is ready (`db=None`): people type while it opens, and a
    login asked for meanwhile goes ahead once `set_database()` brings it.
    """

    painted = Signal()  # the first frame is on screen (or SLOW_WORK_DELAY_MS passed)

    def __init__(self, db: Database | None, parent: QWidget | None = None, *,
                 sleep: SleepFn = time.sleep,
                 server_url: str | None = None) -> None:  # fmt: skip
        super().__init__(db, parent)
        self._sleep = sleep
        # A shared PostgreSQL whose URL names no user: the server checks the password and
        # the dialog hands back the database connected as the person's own role.
        self.server_url = server_url
        self.waiting_for_database = False
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Log in – kpidesk"))
        self.setWindowIcon(app_icon())

        self.user = QLineEdit()
        self.user.setObjectName("loginUser")
        self.user.setAccessibleName(self.tr("Login"))
        self.user.setMaxLength(100)
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(MAX_PASSWORD_LENGTH)
        self.fields = [self.user, self.password]

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("&Login"), self.user)
        form.addRow(self.tr("&Password"), self.password)

        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        quit_button = QPushButton(self.tr("Quit"))
        quit_button.setObjectName("loginQuit")
        self.buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(quit_button, QDialogButtonBox.ButtonRole.RejectRole)

        where = QLabel()
        self.where = where
        where.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = where.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        where.setFont(font)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(_Header(self.tr("Your KPIs from the CRM, calculated every night.")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.build_status())
        layout.addWidget(self.buttons)
        layout.addWidget(where)
        self.setMinimumWidth(420)
        if db is not None:
            self.set_database(db)
        elif server_url is not None:
            where.setText(self.tr("Database: {url}").format(url=server_url))
        else:
            where.setText(self.tr("Opening the database…"))
        self.open_at_default_size("login")

        # The decoy hash is ready before the first attempt (same timing for every failure).
        self._painted = False
        self.painted.connect(
            lambda: Loader(self).run(_prepare_decoy, lambda _hash: None, lambda _failure: None)
        )
        QTimer.singleShot(SLOW_WORK_DELAY_MS, self, self._announce_painted)

        last = QSettings().value(LAST_LOGIN_KEY)
        if last:
            self.user.setText(str(last))
            self.password.setFocus()
        else:
            self.user.setFocus()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self._painted:
            QTimer.singleShot(0, self, self._announce_painted)

    def _announce_painted(self) -> None:
        if not self._painted:
            self._painted = True
            self.painted.emit()

    def set_busy(self, busy: bool, message: str = "") -> None:
        super().set_busy(busy, message)
        self.login_button.setEnabled(not busy)
        if not busy:
            self.login_button.setDefault(True)  # disabling it took away Enter's default button

    def set_database(self, db: Database) -> None:
        """The database is open: log in now if that was asked for while it opened."""
        self.db = db
        self.where.setText(self.tr("Database: {url}").format(url=db.display_url()))
        if self.waiting_for_database:
            self.waiting_for_database = False
            self.set_busy(False)
            self.accept()

    def accept(self) -> None:
        """Start the check off the GUI thread; the dialog closes only when it succeeds."""
        from kpidesk.services import auth

        if self.busy:
            return
        login = self.user.text().strip()
        if not login:
            self.show_error(self.tr("Enter your login."))
            self.user.setFocus()
            return
        if self.server_url is not None:
            url, password, sleep = self.server_url, self.password.text(), self._sleep
            self.set_busy(True, self.tr("Checking…"))
            self.checker.run(
                lambda: auth.server_login(url, login, password, sleep=sleep),
                self._server_succeeded,
                self._failed,
            )
            return
        if self.db is None:
            self.waiting_for_database = True
            self.set_busy(True, self.tr("Opening the database…"))
            return
        password = self.password.text()
        db, sleep = self.db, self._sleep
        self.set_busy(True, self.tr("Checking…"))
        self.checker.run(
            lambda: auth.authenticate(db, login, password, sleep=sleep),
            self._succeeded,
            self._failed,
        )

    def _server_succeeded(self, result: tuple[Database, Caller]) -> None:
        self.db = result[0]
        self._succeeded(result[1])

    def _succeeded(self, caller: Caller) -> None:
        self.caller = caller
        self.set_busy(False)
        settings = QSettings()
        settings.setValue(LAST_LOGIN_KEY, caller.login)
        settings.sync()
        super().accept()

    def _failed(self, failure: Failure) -> None:
        self.set_busy(False)
        self.show_error(self.failure_text(failure))
        self.password.selectAll()
        self.password.setFocus()


class FirstAdminDialog(_CheckingDialog):
    """On an installation where no administrator can log in: create the first one."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle(self.tr("First administrator – kpidesk"))
        self.setWindowIcon(app_icon())

        def field(name: str, accessible: str, password: bool = False) -> QLineEdit:
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setAccessibleName(accessible)
            if password:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            return edit

        self.login = field("firstAdminLogin", self.tr("Login"))
        self.name = field("firstAdminName", self.tr("Name"))
        self.password = field("firstAdminPassword", self.tr("Password"), True)
        self.repeat = field("firstAdminRepeat", self.tr("Repeat password"), True)
        self.fields = [self.login, self.name, self.password, self.repeat]

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("&Login"), self.login)
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow(self.tr("&Repeat password"), self.repeat)

        self.buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Create administrator"))
        ok.setObjectName("firstAdminCreate")
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quit"))

        explain = QLabel(
            self.tr(
                "This installation has no administrator yet. Create the first one: they set up "
                "the KPIs and give the other users their passwords. The password needs at least "
                "{count} characters."
            ).format(count=MIN_PASSWORD_LENGTH)
        )
        explain.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(_Header(self.tr("Welcome to kpidesk.")))
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.build_status())
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.open_at_default_size("firstAdmin")
        self.login.setFocus()

    def check(self) -> str:
        """What is wrong with the fields, in the user's language; "" when they can be sent."""
        login = self.login.text().strip()
        if not login:
            return self.tr("Enter a login.")
        if any(ch.isspace() for ch in login):
            return self.tr("The login must be one word.")
        if len(self.password.text()) < MIN_PASSWORD_LENGTH:
            return self.tr("The password needs at least {count} characters.").format(
                count=MIN_PASSWORD_LENGTH
            )
        if self.password.text() != self.repeat.text():
            return self.tr("The two passwords differ.")
        if self.password.text().strip().casefold() == login.casefold():
            return self.tr("The password must not be the login.")
        return ""

    def accept(self) -> None:
        from kpidesk.services import auth

        if self.busy:
            return
        problem = self.check()
        if problem:
            self.show_error(problem)
            return
        db = self.db
        assert db is not None
        login, name, password = self.login.text().strip(), self.name.text(), self.password.text()
        self.set_busy(True, self.tr("Creating the administrator…"))
        self.checker.run(
            lambda: auth.create_first_admin(db, login, name, password),
            self._succeeded,
            self._failed,
        )

    def _succeeded(self, caller: Caller) -> None:
        self.caller = caller
        self.set_busy(False)
        super().accept()

    def _failed(self, failure: Failure) -> None:
        from kpidesk.services import auth

        exc = failure.error
        self.set_busy(False)
        if isinstance(exc, auth.FirstAdminExists):
            self.show_error(self.tr("An administrator already exists. Restart kpidesk and log in."))
        elif isinstance(exc, auth.PasswordPolicyError):
            self.show_error(str(exc))
        else:
            self.show_error(self.failure_text(failure))


class ChangePasswordDialog(_CheckingDialog):
    """The logged-in person changes their own password (the current one is asked first)."""

    def __init__(self, db: Database, caller: Caller, parent: QWidget | None = None, *,
                 sleep: SleepFn = time.sleep) -> None:  # fmt: skip
        super().__init__(db, parent)
        self.caller = caller
        self._sleep = sleep
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(self.tr("Change password – kpidesk"))

        def field(name: str, accessible: str) -> QLineEdit:
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setAccessibleName(accessible)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            return edit

        self.current = field("currentPassword", self.tr("Current password"))
        self.new = field("newPassword", self.tr("New password"))
        self.repeat = field("repeatPassword", self.tr("Repeat new password"))
        self.fields = [self.current, self.new, self.repeat]
        form = QFormLayout()
        form.addRow(self.tr("&Current password"), self.current)
        form.addRow(self.tr("&New password"), self.new)
        form.addRow(self.tr("&Repeat new password"), self.repeat)
        self.buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Change password"))
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.build_status())
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.open_at_default_size("changePassword")
        self.changed = False

    def check(self) -> str:
        if len(self.new.text()) < MIN_PASSWORD_LENGTH:
            return self.tr("The password needs at least {count} characters.").format(
                count=MIN_PASSWORD_LENGTH
            )
        if self.new.text() != self.repeat.text():
            return self.tr("The two passwords differ.")
        if self.new.text().strip().casefold() == self.caller_login().casefold():
            return self.tr("The password must not be the login.")
        return ""

    def caller_login(self) -> str:
        return self.caller.login if self.caller is not None else ""

    def accept(self) -> None:
        from kpidesk.services import auth
        from kpidesk.services.desk import KpiDesk

        if self.busy or self.caller is None:
            return
        problem = self.check()
        if problem:
            self.show_error(problem)
            return
        db, caller, sleep = self.db, self.caller, self._sleep
        assert db is not None
        current, new = self.current.text(), self.new.text()

        def change() -> None:
            auth.authenticate(db, caller.login, current, sleep=sleep)
            KpiDesk(db, caller).account.set_password(caller.login, new)

        self.set_busy(True, self.tr("Changing the password…"))
        self.checker.run(change, self._succeeded, self._failed)

    def _succeeded(self, _result: None) -> None:
        self.set_busy(False)
        self.changed = True
        super().accept()

    def _failed(self, failure: Failure) -> None:
        from kpidesk.services import auth

        exc = failure.error
        self.set_busy(False)
        if isinstance(exc, auth.LoginFailed):
            self.show_error(self.tr("The current password is not right."))
            self.current.selectAll()
            self.current.setFocus()
        elif isinstance(exc, auth.PasswordPolicyError):
            self.show_error(str(exc))
        else:
            self.show_error(self.failure_text(failure))
