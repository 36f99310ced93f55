"""`kpidesk db upgrade`, `kpidesk db check` and `kpidesk config get|set`."""

from __future__ import annotations

import argparse
import sys

from kpidesk.cli.common import ExitCode, UserError, add_db_option, database, desk
from kpidesk.cli.roles_commands import register_db_roles
from kpidesk.services import settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db_parser = sub.add_parser("db", help="database maintenance")
    add_db_option(db_parser)
    db_sub = db_parser.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    upgrade = db_sub.add_parser("upgrade", help="create or upgrade the schema (never drops data)")
    add_db_option(upgrade)
    upgrade.set_defaults(handler=cmd_db_upgrade)
    register_db_roles(db_sub)
    check = db_sub.add_parser(
        "check",
        help="check the stored data (e.g. every timestamp in its one stored form); "
        "exit 1 with the problems found",
    )
    add_db_option(check)
    check.set_defaults(handler=cmd_db_check)

    config = sub.add_parser("config", help="read or change installation settings")
    add_db_option(config)
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="COMMAND")
    get = config_sub.add_parser("get", help="print one setting, or all of them")
    add_db_option(get)
    get.add_argument("key", nargs="?", help=", ".join(sorted(settings.SPECS)))
    get.set_defaults(handler=cmd_config_get)
    set_ = config_sub.add_parser("set", help="change a setting (validated)")
    add_db_option(set_)
    set_.add_argument("key", help=", ".join(sorted(settings.SPECS)))
    set_.add_argument("value")
    set_.set_defaults(handler=cmd_config_set)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from kpidesk.services.database import revision

    db = database(args)  # opening upgrades
    try:
        print(f"database {db.display_url()} is at revision {revision(db)}")
    finally:
        db.dispose()
    return ExitCode.OK


def cmd_db_check(args: argparse.Namespace) -> int:
    """Checks without changing anything (the schema is not upgraded first)."""
    from kpidesk.services.maintenance import check_database

    db = database(args, migrate=False)
    try:
        report = check_database(db)
    finally:
        db.dispose()
    for problem in report.problems:
        print(f"problem: {problem}")
    if not report.ok:
        count = len(report.problems)
        print(f"kpidesk: error: database {db.display_url()}: {count} "
              f"problem{'s' if count != 1 else ''} found", file=sys.stderr)  # fmt: skip
        return ExitCode.ERROR
    print(f"database {db.display_url()} at revision {report.revision}: no problems found")
    return ExitCode.OK


def cmd_config_get(args: argparse.Namespace) -> int:
    db = database(args)
    try:
        if args.key:
            try:
                print(desk(db).settings.get(args.key))
            except settings.SettingError as exc:
                raise UserError(str(exc)) from exc
        else:
            for key, value in desk(db).settings.all().items():
                print(f"{key}={value}")
    finally:
        db.dispose()
    return ExitCode.OK


def cmd_config_set(args: argparse.Namespace) -> int:
    db = database(args)
    try:
        try:
            value = desk(db).settings.set(args.key, args.value)  # audited
        except settings.SettingError as exc:
            raise UserError(str(exc)) from exc
        print(f"{args.key}={value}")
    finally:
        db.dispose()
    return ExitCode.OK
