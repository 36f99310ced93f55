"""Start the desktop app: language, database, login, main window.

Kept light to import: the login dialog must appear within about a second, so the main
window, the charts (pyqtgraph, numpy) and the engine are imported only after login.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from kpidesk import __version__, paths
from kpidesk.gui import i18n, runner
from kpidesk.gui.gccollect import GuiThreadCollector
from kpidesk.gui.runner import run_in_background

if TYPE_CHECKING:
    from kpidesk.services.caller import Caller
    from kpidesk.services.database import Database

# SQLAlchemy (through the services) is imported inside the functions below: the
# login dialog paints first and the database opens behind it, on a worker thread.

log = logging.getLogger("kpidesk.gui")

T = TypeVar("T")

ORGANISATION = "kpidesk"
APPLICATION = "kpidesk"
PROGRESS_DELAY_MS = 400  # a quick start shows no progress dialog at all
SHUTDOWN_WAIT_MS = 10_000


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with its names (for QSettings), icon and style; reused if it exists."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("kpidesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("kpidesk")
    if sys.platform.startswith("linux"):
        app.setStyle("Fusion")  # Windows and macOS keep their native look
    from kpidesk.gui.login import app_icon

    app.setWindowIcon(app_icon())
    if app.findChild(GuiThreadCollector) is None:
        GuiThreadCollector(app)
    return app


def _log_to_file() -> None:
    """Keep a log in the user log folder, so a problem can be reported after the fact."""
    try:
        handler = logging.FileHandler(paths.user_log_dir() / "kpidesk.log", encoding="utf-8")
    except OSError as exc:
        log.warning("no log file: %s", exc)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger("kpidesk")
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)


class _Relay(QObject):
    """Carries a worker's progress into the GUI thread (emitted there, delivered here)."""

    progress = Signal(str, int, int)


def call_with_progress(label: str, fn: Callable[[Callable[[str, int, int], None]], T],
                       parent: QWidget | None = None) -> T:  # fmt: skip
    """Run `fn(progress)` on a worker thread behind a progress dialog; return or raise its result.

    The dialog appears only if the work takes longer than a moment; the GUI stays live.
    """
    holder = QObject()
    relay = _Relay()
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setObjectName("startProgress")
    dialog.setWindowTitle("kpidesk")
    dialog.setCancelButton(None)  # type: ignore[arg-type]
    dialog.setMinimumDuration(PROGRESS_DELAY_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    stages = {
        "data": QCoreApplication.translate("App", "Creating the CRM data…"),
        "setup": QCoreApplication.translate("App", "Setting up the KPIs…"),
        "history": QCoreApplication.translate("App", "Calculating 120 nights of KPI history…"),
    }

    def on_progress(stage: str, done: int, total: int) -> None:
        dialog.setLabelText(f"{label}\n{stages.get(stage, stage)}")
        dialog.setMaximum(max(total, 1) if stage == "history" else 0)
        if stage == "history":
            dialog.setValue(done)

    relay.progress.connect(on_progress)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def succeeded(result: T) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    run_in_background(holder, lambda: fn(relay.progress.emit), succeeded, failed)
    loop.exec()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]  # type: ignore[no-any-return]


def open_app_database(db_url: str | None, demo: bool) -> Database:
    """Open (and upgrade) the database; the demo database is created on first start."""
    from kpidesk.services.database import open_installation

    if demo and not db_url:
        from kpidesk.services.demo import ensure_demo_database

        def prepare(progress: Callable[[str, int, int], None]) -> Database:
            return open_installation(ensure_demo_database(progress=progress))

        return call_with_progress(
            QCoreApplication.translate("App", "Preparing the demo database…"), prepare
        )
    return call_with_progress(
        QCoreApplication.translate("App", "Opening the database…"),
        lambda _progress: open_installation(db_url),
    )


def log_in(db: Database, parent: QWidget | None = None) -> Caller | None:
    """The login dialog, or the first administrator's on an empty installation; None: quit."""
    from kpidesk.gui.login import FirstAdminDialog, LoginDialog
    from kpidesk.services.auth import needs_first_admin

    first = call_with_progress(
        QCoreApplication.translate("App", "Opening the database…"), lambda _p: needs_first_admin(db)
    )
    dialog: LoginDialog | FirstAdminDialog = (
        FirstAdminDialog(db, parent) if first else LoginDialog(db, parent)
    )
    accepted = dialog.exec() == LoginDialog.DialogCode.Accepted
    caller = dialog.caller if accepted else None
    dialog.deleteLater()
    return caller


FIRST_ADMIN = 2  # the login dialog's result when the installation has no administrator yet


def _open_and_check(open_db: Callable[[], Database]) -> tuple[Database, bool]:
    from kpidesk.services.auth import needs_first_admin

    db = open_db()
    try:
        return db, needs_first_admin(db)
    except BaseException:
        db.dispose()
        raise


def log_in_while_opening(open_db: Callable[[], Database]) -> tuple[Database | None, Caller | None]:
    """Show the login dialog at once and open the database behind it (start-up stays quick).

    Returns (database, caller); caller None when the person quit. A database error is raised
    (after the dialog closed); on an installation without administrator the first
    administrator's dialog follows instead.
    """
    from kpidesk.gui.login import FirstAdminDialog, LoginDialog

    dialog = LoginDialog(None)
    outcome: dict[str, Any] = {}
    holder = QObject()  # outlives the dialog, so a late answer is still received

    def opened(result: tuple[Database, bool]) -> None:
        outcome["db"], first = result
        if dialog.isVisible() and first:
            dialog.done(FIRST_ADMIN)
        elif dialog.isVisible():
            dialog.set_database(outcome["db"])

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        dialog.done(LoginDialog.DialogCode.Rejected)

    def start_opening() -> None:
        if not outcome.get("opening"):
            outcome["opening"] = True
            run_in_background(holder, lambda: _open_and_check(open_db), opened, failed)

    # Opened once the dialog is on screen: the two would otherwise share the interpreter.
    dialog.painted.connect(start_opening)
    code = dialog.exec()
    start_opening()  # closed before it was painted
    caller = dialog.caller if code == LoginDialog.DialogCode.Accepted else None
    dialog.deleteLater()
    if "db" not in outcome and "error" not in outcome:
        # Quit before the database answered: wait for it, so it can be closed properly.
        loop = QEventLoop()
        while "db" not in outcome and "error" not in outcome:
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    if "error" in outcome:
        raise outcome["error"]
    db: Database = outcome["db"]
    if code == FIRST_ADMIN:
        first_dialog = FirstAdminDialog(db)
        if first_dialog.exec() == FirstAdminDialog.DialogCode.Accepted:
            caller = first_dialog.caller
        first_dialog.deleteLater()
    return db, caller


def log_in_through_server(url: str) -> tuple[Database | None, Caller | None]:
    """A shared PostgreSQL with server logins: the login dialog connects as the person's own
    role (the URL holds no user and no password); (None, None) when they quit."""
    from kpidesk.gui.login import LoginDialog

    dialog = LoginDialog(None, server_url=url)
    accepted = dialog.exec() == LoginDialog.DialogCode.Accepted
    result = (dialog.db, dialog.caller) if accepted else (None, None)
    dialog.deleteLater()
    return result


def _demo_file_exists() -> bool:
    url = paths.demo_database_url()
    return Path(url.removeprefix("sqlite:///")).exists()


def show_start_error(message: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "kpidesk",
        QCoreApplication.translate("App", "kpidesk cannot start."),
    )
    box.setObjectName("startError")
    box.setInformativeText(message)
    box.exec()


def _server_login_url(db_url: str | None) -> str | None:
    """The URL when logins go through the PostgreSQL server, else None.

    Only a PostgreSQL URL can be one, so SQLite (the usual case) is told apart without loading
    SQLAlchemy, which would delay the login dialog."""
    url = paths.resolve_database_url(db_url)
    if not url.lower().startswith("postgres"):
        return None
    from kpidesk.services.auth import server_login_url

    return url if server_login_url(url) else None


def _open(db_url: str | None) -> Database:
    from kpidesk.services.database import open_installation

    return open_installation(db_url)


def run(db_url: str | None, demo: bool) -> int:
    """The desktop app from start to quit; returns the process exit status."""
    app = make_application()
    _log_to_file()
    language = i18n.choose_language()
    i18n.install_translations(app, language)
    try:
        if demo and not db_url and not _demo_file_exists():
            # The first demo start builds the database: a progress dialog, then the login.
            db = open_app_database(db_url, demo)
            try:
                caller = log_in(db)
            except BaseException:
                db.dispose()
                raise
        elif not demo and (server_url := _server_login_url(db_url)):
            server_db, caller = log_in_through_server(server_url)
            if server_db is None:
                return 0
            db = server_db
        else:
            opener = _demo_opener() if demo and not db_url else (lambda: _open(db_url))
            opened, caller = log_in_while_opening(opener)
            assert opened is not None
            db = opened
    except Exception as exc:  # noqa: BLE001 - the user gets one line, the log the details
        from kpidesk.services.database import DatabaseError

        if isinstance(exc, DatabaseError):
            log.error("cannot open the database: %s", exc)
            show_start_error(
                QCoreApplication.translate(
                    "App", "The database cannot be opened: {message}"
                ).format(message=exc)
            )
            return 1
        log.exception("start failed")
        show_start_error(f"{type(exc).__name__}: {exc}")
        return 1
    try:
        if caller is None:
            return 0
        from kpidesk.gui.context import AppContext
        from kpidesk.gui.formatting import set_display_timezone
        from kpidesk.gui.main_window import MainWindow
        from kpidesk.services.runs import fail_stopped_runs

        ctx = AppContext(db=db, caller=caller, language=language)

        def prepare(_progress: Callable[[str, int, int], None]) -> dt.tzinfo:
            fail_stopped_runs(db)  # runs a dead process left `running` say `failed`
            return ctx.desk.timezone()

        # On a worker: a slow or distant database never freezes the start on the GUI thread.
        opening = QCoreApplication.translate("App", "Opening the database…")
        set_display_timezone(call_with_progress(opening, prepare))
        window = MainWindow(ctx)
        window.show()
        return int(app.exec())
    finally:
        # Background jobs (a warm-up, a late reload) finish before the interpreter goes away:
        # a worker thread running Python during shutdown can crash the process on its way out.
        runner.pool().waitForDone(SHUTDOWN_WAIT_MS)
        db.dispose()


def _demo_opener() -> Callable[[], Database]:
    def open_demo() -> Database:
        from kpidesk.services.demo import ensure_demo_database

        return _open(ensure_demo_database())

    return open_demo
