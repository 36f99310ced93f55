"""`kpidesk source set folder|sql|none`, `source show` and `sync`: where the night imports from."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from kpidesk.cli.common import ExitCode, UserError, add_db_option, database, desk
from kpidesk.cli.present import print_report, print_warnings, stage_bars
from kpidesk.services.desk import KpiDesk

# The services are imported inside each command: building the parser (and `kpidesk --version`)
# must not load SQLAlchemy.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "source",
        help="set or show the data source the nightly run imports from",
        description="The installation's data source, kept in the database: the nightly run "
        "imports its newest complete export first, then calculates.",
    )
    source_sub = parser.add_subparsers(dest="source_command", required=True)
    set_ = source_sub.add_parser("set", help="set the data source")
    kinds = set_.add_subparsers(dest="kind", required=True)
    folder = kinds.add_parser(
        "folder",
        help="a folder the CRM's scheduled export writes CSV files into",
        description="The nightly run imports the folder's CSV files when one was written "
        "since the last good import, none changed during the settle time and, with --marker, "
        "the marker file exists.",
    )
    add_db_option(folder)
    folder.add_argument("--path", required=True, metavar="DIR", help="the export folder")
    folder.add_argument(
        "--mapping",
        default="",  # the service's BUILTIN_MAPPING; not imported here, see below
        metavar="PRESET|FILE.toml",
        help="how the export maps to kpidesk: a preset (suitecrm, salesforce, hubspot, "
        "pipedrive), a mapping file, or kpidesk (default: kpidesk's own files)",
    )
    folder.add_argument(
        "--marker",
        default="",
        metavar="NAME",
        help="import only once this file exists in the folder (e.g. done)",
    )
    folder.add_argument(
        "--settle",
        type=int,
        default=None,
        metavar="SECONDS",
        help="how long the files must stay unchanged before import (default 60)",
    )
    folder.set_defaults(handler=cmd_source_set_folder)
    sql = kinds.add_parser(
        "sql",
        help="the CRM's own database, read with one SELECT per entity (read-only)",
        description="The nightly run reads the CRM's database with the mapping's queries "
        "(one SELECT per entity) over a read-only connection with a time-out per query, and "
        "imports the rows all or nothing. The password is kept in kpidesk's database apart "
        "from the URL (never shown), or comes from the environment variable "
        "KPIDESK_SOURCE_PASSWORD, which wins when set.",
    )
    add_db_option(sql)
    sql.add_argument(
        "--url",
        required=True,
        metavar="URL",
        help="SQLAlchemy URL, e.g. mysql+pymysql://kpi_reader@crm-db:3306/suitecrm or "
        "postgresql://kpi_reader@crm-db/crm (a password in it is stored apart; better use "
        "--ask-password)",
    )
    sql.add_argument(
        "--mapping",
        required=True,
        metavar="PRESET|FILE.toml",
        help="a mapping with one query per entity: the preset suitecrm-sql or a mapping file",
    )
    sql.add_argument(
        "--timeout",
        type=int,
        default=None,
        metavar="SECONDS",
        help="time-out of each query, reading its rows included (default 300)",
    )
    password = sql.add_mutually_exclusive_group()
    password.add_argument(
        "--ask-password",
        action="store_true",
        help="ask for the database password (a terminal), or read one line from stdin; it is "
        "stored in kpidesk's database",
    )
    password.add_argument(
        "--password-from-env",
        action="store_true",
        help="store no password: only processes with KPIDESK_SOURCE_PASSWORD (the scheduler "
        "service's env file) import; desktops leave the night to the service",
    )
    sql.set_defaults(handler=cmd_source_set_sql)
    none = kinds.add_parser(
        "none",
        help="no data source: the nightly run calculates on the data imported by hand",
        description="The nightly run stops importing and calculates on the CRM data imported "
        "by hand (kpidesk import-crm). The former source's folder or URL, mapping and "
        "password stay stored, so setting it again is one command.",
    )
    add_db_option(none)
    none.set_defaults(handler=cmd_source_set_none)
    show = source_sub.add_parser("show", help="show the data source (credentials masked)")
    add_db_option(show)
    show.set_defaults(handler=cmd_source_show)

    sync = sub.add_parser(
        "sync",
        help="import from the data source now (the nightly run's import step alone)",
        description="Imports the data source's newest complete export, all or nothing, and "
        "records the import. Exit code 0 when imported or nothing new, 1 when it failed.",
    )
    add_db_option(sync)
    sync.add_argument(
        "--check",
        action="store_true",
        help="sql source: run every query and check every row, show the first rows as they "
        "would be stored, write nothing (exit code 1 with one line per problem)",
    )
    sync.set_defaults(handler=cmd_sync)


def cmd_source_set_folder(args: argparse.Namespace) -> int:
    return _set_source(
        args, lambda d: d.source.set_folder(args.path, args.mapping, args.marker, args.settle)
    )


def _set_source(args: argparse.Namespace, save: Callable[[KpiDesk], list[str]]) -> int:
    """`save(desk)` the data source (refused whole, one line per problem), then show it."""
    from kpidesk.services import source

    db = database(args)
    try:
        warnings = save(desk(db))
    except source.SourceError as exc:
        raise UserError(f"the data source was not changed: {exc}", exc.problems) from exc
    finally:
        db.dispose()
    print_warnings(warnings)
    print("data source set:")
    return _print_source(args)


def _read_password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Password of the CRM database user: ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise UserError("no password on standard input; the data source was not changed")
    return line.rstrip("\r\n")


def cmd_source_set_sql(args: argparse.Namespace) -> int:
    from kpidesk.services import source

    url = args.url
    try:
        if args.ask_password:
            url = source.url_with_password(url, _read_password())
        elif args.password_from_env:
            url = source.url_with_password(url, source.FROM_ENVIRONMENT)
    except source.SourceError as exc:
        raise UserError(f"the data source was not changed: {exc}") from exc
    return _set_source(args, lambda d: d.source.set_sql(url, args.mapping, args.timeout))


def cmd_source_set_none(args: argparse.Namespace) -> int:
    """No data source; says which one it was, so a mistaken call is seen at once."""
    db = database(args)
    try:
        before = desk(db).source.show()
        desk(db).source.set_none()
    finally:
        db.dispose()
    if before.kind == "none":
        print("data source unchanged: there was none")
    else:
        print(f"data source set: none (was {before.kind} {before.path}, mapping {before.mapping})")
        print("the nightly run now calculates on the CRM data imported by hand; "
              f"`kpidesk source set {before.kind} …` sets it again")  # fmt: skip
    return ExitCode.OK


def cmd_source_show(args: argparse.Namespace) -> int:
    return _print_source(args)


def _print_source(args: argparse.Namespace) -> int:
    db = database(args)
    try:
        view = desk(db).source.show()
    finally:
        db.dispose()
    print_report(None, view.lines())
    return ExitCode.OK


def cmd_sync(args: argparse.Namespace) -> int:
    from kpidesk.services import source

    if args.check:
        return _check(args)
    db = database(args)
    try:
        with stage_bars() as bars:
            result = desk(db).source.sync(progress=bars)
    finally:
        db.dispose()
    if result.status == "no_source":
        raise UserError(result.message)
    if result.status == "nothing_new":
        print(f"nothing new: {result.message}")
        return ExitCode.OK
    if result.status == "failed":
        raise UserError(f"import from {source.mask(result.source)} failed, nothing was changed; "
                        "the KPIs stay on the last good data", result.errors)  # fmt: skip
    lines = result.report.lines() if result.report is not None else []
    print_report(f"imported from {source.mask(result.source)}", lines)
    return ExitCode.OK


def _check(args: argparse.Namespace) -> int:
    from kpidesk.services import source

    db = database(args)
    try:
        with stage_bars() as bars:
            report = desk(db).source.check_sql(progress=bars)
    except source.SourceError as exc:
        raise UserError("the check found problems; nothing was written", exc.problems) from exc
    finally:
        db.dispose()
    print_report(None, report.check_lines())
    return ExitCode.OK
