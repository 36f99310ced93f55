"""`kpidesk templates [--json]` and `kpidesk recalc [--date D | --from D1 --to D2]`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from kpidesk.cli.common import (
    ExitCode,
    UserError,
    add_db_option,
    add_lang_option,
    database,
    desk,
    language,
)
from kpidesk.cli.present import Progress

if TYPE_CHECKING:
    from kpidesk.services.database import Database

log = logging.getLogger("kpidesk.cli")

BACKFILL_MAX_DAYS = 3660


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    templates = sub.add_parser("templates", help="list the KPI templates and their parameters")
    add_db_option(templates)
    add_lang_option(templates)
    templates.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    templates.set_defaults(handler=cmd_templates)

    recalc = sub.add_parser(
        "recalc",
        help="calculate the KPIs of a date now (the nightly run by hand), or backfill a range",
        description="Calculate every active rule for all users as of a date (default: today "
        "in the installation's time zone), replacing that date's results. With --from/--to, "
        "every date in between, oldest first. Waits for a run in progress elsewhere.",
    )
    add_db_option(recalc)
    when = recalc.add_mutually_exclusive_group()
    when.add_argument("--date", type=parse_date, metavar="D", help="the date (YYYY-MM-DD)")
    when.add_argument("--from", dest="date_from", type=parse_date, metavar="D1",
                      help="first date of a backfill (with --to)")  # fmt: skip
    recalc.add_argument("--to", dest="date_to", type=parse_date, metavar="D2",
                        help="last date of a backfill (with --from)")  # fmt: skip
    recalc.set_defaults(handler=cmd_recalc)


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: use YYYY-MM-DD") from None


# --- templates --------------------------------------------------------------------------------


def _param_text(param: dict[str, Any]) -> str:
    default = param["default"]
    if param["kind"] == "activity_types":
        shown = ", ".join(default) if default else "all"
        return f"activity_types=[{shown}] (list of activity types; empty = all)"
    if "bounds" in param:
        low, high = param["bounds"]
        return f"{param['key']}={default} ({low}–{high})"
    if "choices" in param:
        return f"{param['key']}={default} ({'|'.join(param['choices'])})"
    return f"{param['key']}={default}"


def cmd_templates(args: argparse.Namespace) -> int:
    from kpidesk.services.setup import template_specs

    catalogue = [spec.to_json() for spec in template_specs()]
    lang = language(args)
    if args.json:
        json.dump(catalogue, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    for item in catalogue:
        print(f"{item['key']}  ({item['name_da']} / {item['name_en']})")
        print(f"  {item[f'description_{lang}']}")
        print(f"  unit: {item['unit']}, {item['direction']} is better")
        for param in item["params"]:
            print(f"  - {_param_text(param)}")
        print()
    return ExitCode.OK


# --- recalc -----------------------------------------------------------------------------------


def _dates(args: argparse.Namespace, db: Database) -> list[dt.date]:
    if args.date_to is not None and args.date_from is None:
        raise UserError("--to needs --from (a backfill runs from D1 to D2)")
    if args.date_from is not None:
        if args.date_to is None:
            raise UserError("--from needs --to (a backfill runs from D1 to D2)")
        if args.date_to < args.date_from:
            raise UserError(f"--to {args.date_to} is before --from {args.date_from}")
        count = (args.date_to - args.date_from).days + 1
        if count > BACKFILL_MAX_DAYS:
            raise UserError(f"at most {BACKFILL_MAX_DAYS} dates per backfill, not {count}")
        return [args.date_from + dt.timedelta(days=offset) for offset in range(count)]
    if args.date is not None:
        return [args.date]
    return [desk(db).today()]


def _run_one(db: Database, day: dt.date) -> Any:
    """One date; if a run is in progress elsewhere, say so and wait for it, then recalculate."""

    def waiting() -> None:
        print(f"kpidesk: a KPI run is in progress elsewhere; waiting for it to finish "
              f"before calculating {day}…", file=sys.stderr, flush=True)  # fmt: skip

    try:
        summary = desk(db).runs.recalculate(day, waiting=waiting)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - the run row holds the error; say it in one line
        from kpidesk.cli.main import user_message

        log.info("run for %s failed", day, exc_info=True)
        message = user_message(exc) or (str(exc).strip() or type(exc).__name__)
        raise UserError(f"the run for {day} failed: {message}") from exc
    return summary


def cmd_recalc(args: argparse.Namespace) -> int:
    db = database(args)
    try:
        dates = _dates(args, db)
        started = time.monotonic()
        progress = Progress("recalc", len(dates)) if len(dates) > 1 else None
        users = rules = results = 0
        try:
            for done, day in enumerate(dates, start=1):
                summary = _run_one(db, day)
                users = max(users, summary.users)
                rules = max(rules, summary.rules)
                results += summary.results
                if progress is not None:
                    progress.update(done)
                else:
                    print(
                        f"{day}: {summary.users} users, {summary.rules} rules, "
                        f"{summary.results} results written in {summary.seconds:.2f} s"
                    )
        finally:
            if progress is not None:
                progress.finish()
        if progress is not None:
            seconds = time.monotonic() - started
            print(
                f"{dates[0]} – {dates[-1]} ({len(dates)} dates): {users} users, {rules} rules, "
                f"{results} results written in {seconds:.2f} s"
            )
    finally:
        db.dispose()
    return ExitCode.OK
