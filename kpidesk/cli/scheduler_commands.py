"""`kpidesk scheduler`: the nightly KPI schedule as a headless service."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpidesk.cli.common import ExitCode, UserError, add_db_option


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "scheduler",
        help="run the nightly KPI calculation without a GUI (for a server beside the database)",
        description="Runs the nightly KPI calculation at the installation's nightly_run_time, "
        "catches up missed nights at start and retries failed runs. Logs to stdout and to "
        "scheduler.log in the user log folder. Stop it with SIGTERM or Ctrl+C (exit code 0).",
    )
    add_db_option(parser)
    parser.add_argument(
        "--once",
        action="store_true",
        help="catch up the missed nights (today included) and exit; exit code 1 if one failed",
    )
    parser.add_argument(
        "--require-db",
        action="store_true",
        help=f"refuse to start (exit code {int(ExitCode.CONFIG)}) unless --db or "
        "$KPIDESK_DATABASE_URL "
        "names the database: a service must not fall back to a per-user SQLite file",
    )
    parser.add_argument(
        "--env-file",
        metavar="FILE",
        help="read KPIDESK_DATABASE_URL (and KPIDESK_SOURCE_PASSWORD, the sql data source's "
        "password) from FILE (lines NAME=VALUE, # comments), a file only administrators can "
        "read, so no password is on the command line; implies --require-db",
    )
    parser.set_defaults(handler=cmd_scheduler)


def cmd_scheduler(args: argparse.Namespace) -> int:
    from kpidesk.scheduler.service import (
        EnvFileError,
        NoDatabaseConfigured,
        run_service,
        service_database_url,
        source_password_from,
    )

    env_file = Path(args.env_file) if args.env_file else None
    try:
        url = service_database_url(getattr(args, "db", None), env_file=env_file,
                                   require=bool(args.require_db))  # fmt: skip
        if env_file is not None:
            source_password_from(env_file)
    except EnvFileError as exc:
        raise UserError(str(exc)) from exc
    except NoDatabaseConfigured as exc:
        print(f"kpidesk: error: no database configured for the scheduler: {exc}",
              file=sys.stderr)  # fmt: skip
        return ExitCode.CONFIG
    return run_service(url, once=bool(args.once), verbose=bool(getattr(args, "verbose", 0)))
