"""`kpidesk passwd LOGIN`: set a user's password from the command line (IT's way in)."""

from __future__ import annotations

import argparse
import getpass
import sys

from kpidesk.cli.common import ExitCode, UserError, add_db_option, database, desk


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "passwd",
        help="set a user's password (asks twice on a terminal, else reads one line from stdin)",
    )
    add_db_option(parser)
    parser.add_argument("login", help="the user's login")
    parser.set_defaults(handler=cmd_passwd)


def read_new_password(login: str) -> str:
    """Twice through getpass on a terminal; one line from stdin in a script or pipe."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(f"New password for {login}: ")
        second = getpass.getpass("Repeat the new password: ")
        if first != second:
            raise UserError("the two passwords differ; nothing was changed")
        return first
    if sys.stdin is None:
        raise UserError("no input: give the password on standard input")
    line = sys.stdin.readline()
    if not line:
        raise UserError("no password on standard input; nothing was changed")
    return line.rstrip("\r\n")


def cmd_passwd(args: argparse.Namespace) -> int:
    from kpidesk.services.auth import PasswordPolicyError, UnknownLogin

    db = database(args)
    try:
        if not desk(db).account.has_login(args.login):
            raise UserError(f"no user has the login {args.login!r}")
        password = read_new_password(args.login)
        try:
            desk(db).account.set_password(args.login, password)
        except (PasswordPolicyError, UnknownLogin) as exc:
            raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    print(f"password of {args.login} set", file=sys.stderr)
    return ExitCode.OK
