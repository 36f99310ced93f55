"""The `kpidesk` command: no subcommand opens the desktop app; subcommands serve IT and scripts.

Each subcommand lives in a small module with a `register(subparsers)` function; adding a
command is adding its module to COMMAND_MODULES.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

from kpidesk import __version__
from kpidesk.cli.common import ExitCode, UserError, add_db_option, add_lang_option
from kpidesk.cli.present import print_failure

COMMAND_MODULES = (
    "kpidesk.cli.db_commands",
    "kpidesk.cli.crm_commands",
    "kpidesk.cli.auth_commands",
    "kpidesk.cli.selftest",
    "kpidesk.cli.engine_commands",
    "kpidesk.cli.kpi_commands",
    "kpidesk.cli.forecast_commands",
    "kpidesk.cli.scheduler_commands",
    "kpidesk.cli.source_commands",
)

log = logging.getLogger("kpidesk.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpidesk",
        description="KPIs for a CRM. Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"kpidesk {__version__}")
    add_db_option(parser)
    add_lang_option(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on the demo database (created and filled on first start)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The terminal keeps its level even when a log file asks kpidesk's loggers for more.
    for stream_handler in logging.getLogger().handlers:
        if type(stream_handler) is logging.StreamHandler:
            stream_handler.setLevel(level)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            return run_gui(args)
        with _terminate_as_exit():
            return int(handler(args))
    except KeyboardInterrupt:
        print("kpidesk: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Terminated:
        print("kpidesk: stopped (SIGTERM); nothing half-written was kept", file=sys.stderr)
        return ExitCode.TERMINATED
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into messages
        message = user_message(exc)
        if message is None:
            raise
        print_failure(message, exc.problems if isinstance(exc, UserError) else ())
        return ExitCode.ERROR


class Terminated(SystemExit):
    """SIGTERM during a command: unwinds like Ctrl+C, so a run or import records its end."""


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While a command runs, SIGTERM raises `Terminated` instead of killing the process.

    Without it a `kill` (a service manager stopping, a shutdown) left a run row `running`.
    Only in the main thread, where Python delivers signals; the old handler comes back after.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise Terminated(ExitCode.TERMINATED)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def user_message(exc: BaseException) -> str | None:
    """One line for a mistake the user can fix; None for a bug (which keeps its traceback)."""
    from kpidesk.services.database import DatabaseError
    from kpidesk.services.settings import SettingError

    if isinstance(exc, UserError | DatabaseError | SettingError):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"file not found: {exc.filename or exc}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or exc}"
    if isinstance(exc, IsADirectoryError | NotADirectoryError):
        return f"{exc.strerror}: {exc.filename}"
    return None


def display_problem() -> str | None:
    """Why no window can open here, or None. Checked before Qt, which would abort instead."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "no display: this machine has no screen (DISPLAY and WAYLAND_DISPLAY are unset). "
            "Run kpidesk on a desktop, or under a virtual screen: "
            "xvfb-run -a kpidesk --demo (Debian: apt-get install xvfb)"
        )
    return None


# PySide6 releases that crash kpidesk, with the Python versions they crash on and the release
# to install instead. 6.12.0's emit() and void calls drop references to True and None; on
# Python 3.11 (where those are not immortal) the app aborts with "bool_dealloc" within minutes.
KNOWN_BROKEN_QT: dict[str, tuple[tuple[int, int], str]] = {"6.12.0": ((3, 12), "6.11.3")}


def qt_problem(version: str | None = None) -> str | None:
    """Why the installed PySide6 cannot run the app, or None. Read without importing Qt."""
    if version is None:
        version = installed_qt_version()
    if version is None or version not in KNOWN_BROKEN_QT:
        return None
    fixed_from_python, use_instead = KNOWN_BROKEN_QT[version]
    if sys.version_info[:2] >= fixed_from_python:
        return None
    return (
        f"PySide6 {version} crashes kpidesk on Python "
        f"{sys.version_info[0]}.{sys.version_info[1]}: "
        f"install PySide6-Essentials {use_instead} "
        f"(pip install 'PySide6-Essentials=={use_instead}')"
    )


def installed_qt_version() -> str | None:
    """The installed PySide6 wheel's version (Essentials or the full package), if any."""
    from importlib import metadata

    for distribution in ("PySide6-Essentials", "PySide6"):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    try:  # a frozen bundle may carry no package metadata
        import PySide6
    except ImportError:
        return None
    return str(PySide6.__version__)


def run_gui(args: argparse.Namespace) -> int:
    problem = display_problem() or qt_problem()
    if problem:
        raise UserError(problem)
    from kpidesk.gui.app import run

    return run(db_url=getattr(args, "db", None), demo=bool(args.demo))


if __name__ == "__main__":
    sys.exit(main())
