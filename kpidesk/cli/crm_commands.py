"""`kpidesk import-crm DIR` and `kpidesk demo`: CRM data in, from a real export or invented."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from kpidesk.cli.common import ExitCode, UserError, add_db_option, database, desk
from kpidesk.cli.present import print_report, stage_bars


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser(
        "import-crm",
        help="import the CRM's CSV export from a folder (all or nothing)",
        description="Reads users.csv, companies.csv, activities.csv, activity_participants.csv "
        "and opportunities.csv from DIR (whichever exist), checks every row, and only then "
        "writes them all in one transaction. Rows are upserted by id or login.",
    )
    add_db_option(imp)
    imp.add_argument("directory", metavar="DIR", type=Path, help="folder with the CSV files")
    imp.add_argument(
        "--mapping",
        metavar="FILE.toml|PRESET",
        help="how the CRM's own export maps to kpidesk (a TOML file, or a preset such as "
        "suitecrm, salesforce, hubspot, pipedrive); default: kpidesk's own format",
    )
    imp.add_argument(
        "--check",
        action="store_true",
        help="read and check everything, show the first rows as they would be stored, "
        "write nothing",
    )
    imp.set_defaults(handler=cmd_import_crm)

    mapping = sub.add_parser(
        "mapping",
        help="write a starting mapping for a CRM's own export",
        description="Helpers for mapping files (see `import-crm --mapping`).",
    )
    mapping_sub = mapping.add_subparsers(dest="mapping_command", required=True)
    init = mapping_sub.add_parser(
        "init",
        help="draft a mapping from the files' headers and values",
        description="Reads the CSV files in DIR and writes a starting mapping: obvious "
        "columns mapped, date formats guessed, the distinct values of columns that need a "
        "value map listed; what is still to decide is marked TODO.",
    )
    init.add_argument("directory", metavar="DIR", type=Path, help="folder with the CSV files")
    init.add_argument(
        "-o", "--output", type=Path, metavar="FILE.toml", help="write here (default: print)"
    )
    init.set_defaults(handler=cmd_mapping_init)

    demo = sub.add_parser(
        "demo",
        help="fill an empty database with a deterministic Danish demo organisation",
        description="Invents users, companies, activities and opportunities and imports them "
        "through the same path as real CSV data. Refuses a database that already holds CRM data.",
    )
    add_db_option(demo)
    demo.add_argument("--users", type=_at_least(3), default=25, metavar="N", help="default 25")
    demo.add_argument(
        "--activities", type=_at_least(0), default=20_000, metavar="N", help="default 20000"
    )
    demo.add_argument("--seed", type=int, default=1, metavar="N", help="default 1")
    demo.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the demo's 'today' (default: today in the installation's time zone)",
    )
    demo.set_defaults(handler=cmd_demo)


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return number

    return parse


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: use YYYY-MM-DD") from None


def cmd_import_crm(args: argparse.Namespace) -> int:
    from kpidesk.services.imports import ImportFailed, load_mapping

    directory: Path = args.directory
    if not directory.is_dir():
        raise UserError(f"{directory}: folder not found" if not directory.exists() else
                        f"{directory}: not a folder")  # fmt: skip
    try:
        mapping = load_mapping(args.mapping) if args.mapping else None
    except ImportFailed as exc:
        count = len(exc.errors)
        problems = "1 problem" if count == 1 else f"{count} problems"
        raise UserError(f"the mapping has {problems}", exc.errors) from exc
    db = database(args)
    try:
        with stage_bars() as bars:
            report = desk(db).imports.import_crm(directory, mapping=mapping, check=args.check,
                                                 progress=bars)  # fmt: skip
    except ImportFailed as exc:
        raise UserError(str(exc), [*exc.errors, *exc.notes]) from exc
    finally:
        db.dispose()
    if report.checked_only:
        print_report(None, report.check_lines())
    else:
        headline = f"imported {directory} into {db.display_url()} in {report.seconds:.1f} s"
        print_report(headline, report.lines())
    return ExitCode.OK


def cmd_mapping_init(args: argparse.Namespace) -> int:
    from kpidesk.services.imports import NOT_READ, ImportFailed, draft

    try:
        text = draft(args.directory)
    except ImportFailed as exc:
        raise UserError("; ".join(exc.errors)) from exc
    if args.output is None:
        sys.stdout.write(text)
        return ExitCode.OK
    if args.output.exists():
        raise UserError(f"{args.output}: already exists (not overwritten)")
    args.output.write_text(text, encoding="utf-8")
    for line in text.splitlines():
        if line.startswith(NOT_READ):
            print(line.removeprefix("# "))
    print(f"wrote {args.output}: check every TODO, then run "
          f"kpidesk import-crm {args.directory} --mapping {args.output} --check")  # fmt: skip
    return ExitCode.OK


def cmd_demo(args: argparse.Namespace) -> int:
    from kpidesk.services.imports import DEMO_LOGINS, DemoRefused

    db = database(args)
    try:
        with stage_bars() as bars:
            report = desk(db).imports.demo(
                users=args.users,
                activities=args.activities,
                seed=args.seed,
                as_of=args.as_of,
                progress=bars,
            )
    except DemoRefused as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    print_report(f"demo data written to {db.display_url()} in {report.seconds:.1f} s",
                 report.lines())  # fmt: skip
    print_report(None, (f"login {login}: {text}" for login, text in DEMO_LOGINS.items()))
    return ExitCode.OK
