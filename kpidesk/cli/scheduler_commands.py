"""`kpidesk scheduler`: the nightly KPI schedule as a headless service."""

from __future__ import annotations

import argparse

from kpidesk.cli.common import add_db_option


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
    parser.set_defaults(handler=cmd_scheduler)


def cmd_scheduler(args: argparse.Namespace) -> int:
    from kpidesk.scheduler.service import run_service

    return run_service(
        getattr(args, "db", None), once=bool(args.once), verbose=bool(getattr(args, "verbose", 0))
    )
