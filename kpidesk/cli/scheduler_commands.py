"""`kpidesk scheduler`: the nightly KPI schedule as a headless service."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kpidesk.cli.common import ExitCode, UserError, add_db_option
from kpidesk.data.db import ENV_URL

# Where the Linux package's kpidesk-scheduler.service reads its environment from.
LINUX_SERVICE_ENV_FILE = "/etc/kpidesk/kpidesk.env"
URL_EXAMPLE = f"{ENV_URL}=postgresql://kpidesk:PASSWORD@dbhost/kpidesk"


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
        help=f"refuse to start (exit code {int(ExitCode.CONFIG)}) unless --db or ${ENV_URL} "
        "names the database: a service must not fall back to a per-user SQLite file",
    )
    parser.add_argument(
        "--env-file",
        metavar="FILE",
        help=f"read {ENV_URL} from FILE (lines NAME=VALUE, # comments), a file only "
        "administrators can read, so the password is not on the command line; implies "
        "--require-db",
    )
    parser.set_defaults(handler=cmd_scheduler)


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=VALUE lines as systemd's EnvironmentFile reads them, so one file suits both."""
    values: dict[str, str] = {}
    text = path.read_text(encoding="utf-8-sig")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, equals, value = line.partition("=")
        if not equals or not name.strip():
            raise UserError(f"{path}:{number}: expected NAME=VALUE, e.g. {URL_EXAMPLE}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def missing_database(args: argparse.Namespace) -> str | None:
    """Why a service has no database to work on, or None; checked before anything starts."""
    if getattr(args, "db", None):
        return None
    if args.env_file:
        if read_env_file(Path(args.env_file)).get(ENV_URL, "").strip():
            return None
        return f"{args.env_file} sets no {ENV_URL}: add a line {URL_EXAMPLE}"
    if not args.require_db or os.environ.get(ENV_URL, "").strip():
        return None
    return (
        f"{ENV_URL} is not set (the Linux package's kpidesk-scheduler service reads it from "
        f"{LINUX_SERVICE_ENV_FILE}): add a line {URL_EXAMPLE} there"
    )


def cmd_scheduler(args: argparse.Namespace) -> int:
    from kpidesk.scheduler.service import run_service

    problem = missing_database(args)
    if problem:
        print(f"kpidesk: error: no database configured for the scheduler: {problem}",
              file=sys.stderr)  # fmt: skip
        return ExitCode.CONFIG
    url = getattr(args, "db", None)
    if not url and args.env_file:
        url = read_env_file(Path(args.env_file))[ENV_URL].strip()
    return run_service(url, once=bool(args.once), verbose=bool(getattr(args, "verbose", 0)))
