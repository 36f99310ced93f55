"""What every subcommand shares: exit codes, user errors and the database (bars and reports:
`kpidesk.cli.present`)."""

from __future__ import annotations

import argparse
import enum
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kpidesk.domain.display import LANGUAGES, Language
from kpidesk.domain.messages import language_from_environment
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.desk import KpiDesk

if TYPE_CHECKING:
    from kpidesk.services.database import Database


class ExitCode(enum.IntEnum):
    OK = 0
    ERROR = 1  # the user's input or the environment is wrong; the message says what
    USAGE = 2  # argparse's own code for a wrong command line
    CONFIG = 78  # sysexits' EX_CONFIG: a service is not configured; systemd does not restart it
    INTERRUPTED = 130
    TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process ended by it


class UserError(Exception):
    """A mistake the user can fix; printed as one line, never as a traceback.

    `problems` (one line each, naming file and line where there is one) are printed before it.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS lets `--db` stand before or after the subcommand without one hiding the other.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $KPIDESK_DATABASE_URL or the SQLite file in the user data "
        "folder), e.g. sqlite:///kpi.sqlite3 or postgresql://user@host/kpidesk",
    )


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """`--lang da|en` for commands that print words for people (figures, explanations)."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help="language of what people read (default: from LC_ALL/LC_MESSAGES/LANG, as the "
        "desktop app: English for an English locale, Danish otherwise)",
    )


def language(args: argparse.Namespace) -> Language:
    """`--lang`, else the locale's language (the same choice the desktop app makes)."""
    chosen = getattr(args, "lang", None)
    if chosen in LANGUAGES:
        return "en" if chosen == "en" else "da"
    return language_from_environment(os.environ)


def database(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    """The command's database, upgraded, with runs of dead processes marked failed."""
    # Imported here so that building the parser (and `kpidesk --version`) loads no SQLAlchemy.
    from kpidesk.services.database import open_installation

    db = open_installation(getattr(args, "db", None), migrate=migrate)
    if migrate:
        from kpidesk.services.runs import fail_stopped_runs

        try:
            fail_stopped_runs(db)
        except BaseException:
            db.dispose()
            raise
    return db


def desk(db: Database) -> KpiDesk:
    """What a command may do: the services as the command line (`SYSTEM_CLI`) calls them."""
    return KpiDesk(db, SYSTEM_CLI)
