"""What every subcommand shares: exit codes, user errors, the database and progress."""

from __future__ import annotations

import argparse
import enum
import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kpidesk.data.db import Database


class ExitCode(enum.IntEnum):
    OK = 0
    ERROR = 1  # the user's input or the environment is wrong; the message says what
    USAGE = 2  # argparse's own code for a wrong command line
    CONFIG = 78  # sysexits' EX_CONFIG: a service is not configured; systemd does not restart it
    INTERRUPTED = 130
    TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process ended by it


class UserError(Exception):
    """A mistake the user can fix; printed as one line, never as a traceback."""


def add_db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS lets `--db` stand before or after the subcommand without one hiding the other.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $KPIDESK_DATABASE_URL or the SQLite file in the user data "
        "folder), e.g. sqlite:///kpi.sqlite3 or postgresql://user@host/kpidesk",
    )


def database(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    """The command's database, upgraded, with runs of dead processes marked failed."""
    # Imported here so that building the parser (and `kpidesk --version`) loads no SQLAlchemy.
    from kpidesk.data.db import open_database

    db = open_database(getattr(args, "db", None), migrate=migrate)
    if migrate:
        from kpidesk.services.runs import fail_stopped_runs

        try:
            fail_stopped_runs(db)
        except BaseException:
            db.dispose()
            raise
    return db


class Progress:
    """A one-line progress bar on a terminal; silent when output is not a terminal."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.known = total > 0  # a query's rows are not known before they are read
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(self.stream is not None and self.stream.isatty())
        self.done = 0
        self._last = 0.0

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and (done < self.total or not self.known)):
            return
        self._last = now
        if not self.known:
            self.stream.write(f"\r{self.label}: {done} rows")
            self.stream.flush()
            return
        width = 30
        filled = int(width * min(done, self.total) / self.total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (len(self.label) + 50) + "\r")
            self.stream.flush()
