"""`kpidesk db roles`: PostgreSQL enforces who may read and change what (shared database)."""

from __future__ import annotations

import argparse

from kpidesk.cli.common import ExitCode, UserError, add_db_option, database


def register_db_roles(db_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roles = db_sub.add_parser(
        "roles",
        help="PostgreSQL: create or update the roles, grants and row-level security (as owner)",
        description="Run once by IT as the database's owner (a role with CREATEROLE), and "
        "again after imports that add people or change their role or active status. Creates "
        "the groups <db>_users, <db>_admins and <db>_scheduler, a login role per kpidesk user "
        "(the login's name; set passwords in kpidesk or with ALTER ROLE), grants and row-level "
        "security. Idempotent.",
    )
    add_db_option(roles)
    roles.add_argument(
        "--scheduler", action="append", default=[], metavar="LOGIN",
        help="a login role for the scheduler service (created if missing; repeatable)",
    )  # fmt: skip
    roles.set_defaults(handler=cmd_db_roles)


def cmd_db_roles(args: argparse.Namespace) -> int:
    from kpidesk.services.db_roles import RolesError, install_database_roles

    db = database(args)
    try:
        report = install_database_roles(db, tuple(args.scheduler))
    except RolesError as exc:
        raise UserError(str(exc)) from None
    finally:
        db.dispose()
    groups = report.groups
    print(f"groups: {groups.users}, {groups.admins}, {groups.scheduler}")
    print(f"administrators: {', '.join(report.admins) or '-'}")
    print(f"users: {len(report.users)}; cannot log in (inactive): {len(report.disabled)}")
    if report.scheduler:
        print(f"scheduler: {', '.join(report.scheduler)}")
    if report.created:
        print(f"created roles: {', '.join(report.created)}")
    if report.skipped:
        print(f"left alone (privileged roles): {', '.join(report.skipped)}")
    if report.unlisted_tables:
        print(f"tables readable by users by default: {', '.join(report.unlisted_tables)}")
    return ExitCode.OK
