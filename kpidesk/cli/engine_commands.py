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


def cmd_recalc(args: argparse.Namespace) -> int:
    """The dates as one request to the run controller: queued behind a run in progress
    (said once on stderr), then every date oldest first under one hold of the run lock."""
    from kpidesk.services.run_control import RunListener, RunTicket

    db = database(args)
    try:
        dates = _dates(args, db)
        started = time.monotonic()
        progress = Progress("recalc", len(dates)) if len(dates) > 1 else None
        finished: list[Any] = []

        def state(ticket: RunTicket) -> None:
            if ticket.state == "waiting":
                print(f"kpidesk: a KPI run is in progress elsewhere; waiting for it to "
                      f"finish before calculating {_span(dates)}…", file=sys.stderr,
                      flush=True)  # fmt: skip

        def done(summary: Any) -> None:
            finished.append(summary)
            if progress is not None:
                progress.update(len(finished))

        listener = RunListener(state=state, finished=done)
        try:
            summaries = desk(db).runs.calculate(dates, listener=listener)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the run row holds the error; say it in one line
            from kpidesk.cli.main import user_message

            day = dates[len(finished)] if len(finished) < len(dates) else dates[-1]
            log.info("run for %s failed", day, exc_info=True)
            message = user_message(exc) or (str(exc).strip() or type(exc).__name__)
            raise UserError(f"the run for {day} failed: {message}") from exc
        finally:
            if progress is not None:
                progress.finish()
        stopped = [s for s in summaries if s.status == "cancelled"]
        if stopped:
            raise UserError(f"the run for {stopped[0].run_date} was {stopped[0].reason}")
        if progress is None:
            for summary in summaries:
                print(
                    f"{summary.run_date}: {summary.users} users, {summary.rules} rules, "
                    f"{summary.results} results written in {summary.seconds:.2f} s"
                )
        else:
            seconds = time.monotonic() - started
            users = max(s.users for s in summaries)
            rules = max(s.rules for s in summaries)
            results = sum(s.results for s in summaries)
            print(
                f"{dates[0]} – {dates[-1]} ({len(dates)} dates): {users} users, {rules} rules, "
                f"{results} results written in {seconds:.2f} s"
            )
    finally:
        db.dispose()
    return ExitCode.OK


def _span(dates: list[dt.date]) -> str:
    return str(dates[0]) if len(dates) == 1 else f"{dates[0]} – {dates[-1]}"
