"""`kpidesk kpi --user LOGIN [--date D] [--json] [--explain RULE]` and
`kpidesk setup export FILE` / `kpidesk setup import FILE`.

`kpi` shows what "Dagens KPI" shows, from stored results: JSON for scripts (stdout stays
valid JSON; explanations go to stderr) and a table for people, with values as people read
them (`60 %`, `1.234.567 kr.`, `–` for undefined).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
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
from kpidesk.domain.display import UNDEFINED, format_score, format_value
from kpidesk.domain.messages import Msg, define, say
from kpidesk.domain.words import cell_words, forecast_brief

if TYPE_CHECKING:
    from kpidesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kpi = sub.add_parser(
        "kpi",
        help='show a user\'s KPIs as "Dagens KPI" does (from the latest successful run)',
        description="Show a user's KPIs from the latest successful run on or before a date: "
        "value, target, score and forecast per rule. Values in JSON are machine units "
        "(fractions for percents); the table shows them as people read them.",
    )
    add_db_option(kpi)
    add_lang_option(kpi)
    kpi.add_argument("--user", required=True, metavar="LOGIN", help="the user's login")
    kpi.add_argument("--date", type=_parse_date, metavar="D",
                     help="the figures as of this date (YYYY-MM-DD; default: today)")  # fmt: skip
    kpi.add_argument("--json", action="store_true", help="print JSON instead of a table")
    kpi.add_argument("--explain", metavar="RULE",
                     help="show the records behind one rule's value (by rule name) and, for "
                     "coverage rules, the customers still missing an activity")  # fmt: skip
    kpi.set_defaults(handler=cmd_kpi)

    setup = sub.add_parser("setup", help="export or import the KPI setup as JSON")
    add_db_option(setup)
    setup_sub = setup.add_subparsers(dest="setup_command", required=True, metavar="COMMAND")
    export = setup_sub.add_parser(
        "export", help="write profiles, rules and users' profiles to a JSON file ('-': stdout)"
    )
    add_db_option(export)
    export.add_argument("file", metavar="FILE")
    export.set_defaults(handler=cmd_setup_export)
    import_ = setup_sub.add_parser(
        "import",
        help="read a setup JSON file: all checked first, then all written or nothing",
        description="Import a KPI setup file. Every problem in the file is reported and "
        "nothing is written unless the whole file is valid. Rules are matched by name and "
        "updated; new rules and profiles are created; every change is audited.",
    )
    add_db_option(import_)
    import_.add_argument("file", metavar="FILE", help="the JSON file ('-': stdin)")
    import_.set_defaults(handler=cmd_setup_import)


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: use YYYY-MM-DD") from None


def emit(text: str) -> None:
    """Write to stdout; a reader that stops early (`| head`) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at nothing, so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


# --- formatting for people -------------------------------------------------------------------

define(
    "cli.kpi",
    {
        "none_yet": Msg(
            da="{name}: ingen beregnede KPI'er endnu", en="{name}: no KPIs calculated yet"
        ),
        "heading": Msg(
            da="{name}: KPI pr. {date}, beregnet {computed}",
            en="{name}: KPIs as of {date}, calculated {computed}",
        ),
        "rule": Msg(da="Regel", en="Rule"),
        "value": Msg(da="Værdi", en="Value"),
        "target": Msg(da="Mål", en="Target"),
        "score": Msg(da="Score", en="Score"),
        "forecast": Msg(da="Prognose", en="Forecast"),
        "as_of": Msg(da="{user} pr. {date}: {summary}", en="{user} as of {date}: {summary}"),
        "no_rows": Msg(da="(ingen poster)", en="(no records)"),
        "missing": Msg(
            da="Mangler stadig ({n}), klar til at ringe op:",
            en="Still missing ({n}), ready to call:",
        ),
        "none_missing": Msg(da="(ingen: alle er dækket)", en="(none: all are covered)"),
    },
)
# Dates in tables: numeric and unambiguous in each language.
DATE_FORMATS = {"da": ("%d.%m.%Y", "%d.%m.%Y %H:%M"), "en": ("%Y-%m-%d", "%Y-%m-%d %H:%M")}


def format_date(value: dt.date, lang: str) -> str:
    """`20.03.2026` (Danish) / `2026-03-20` (English); a moment adds its clock time."""
    day, moment = DATE_FORMATS["en" if lang == "en" else "da"]
    return value.strftime(moment if isinstance(value, dt.datetime) else day)


def format_cell(value: Any, lang: str, key: str = "", currency: str = "DKK") -> str:
    """One cell of an explanation, as the chart window's table shows it."""
    if value is None:
        return UNDEFINED
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, bool):
        return cell_words(key, value, lang)
    if key == "amount" and isinstance(value, int | float):
        return format_value(float(value), "currency", lang, currency)
    if isinstance(value, float):
        return format_value(value, "count", lang)
    return cell_words(key, value, lang)


def render_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    """Columns padded to their widest cell; `right` holds the indexes of numeric columns."""
    widths = [len(title) for title in header]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def format_forecast(item: Any, lang: str = "da", currency: str = "DKK") -> str:
    """The forecast in a few words: projection and band, or, where the backtest found no
    forecast better than "no change" (a period: the pace line), that instead."""
    return forecast_brief(item.forecast, item.unit, lang, currency)


def no_kpis_message(today: Any) -> str:
    """Why a user has no KPIs, in one line (for stderr, so stdout stays valid JSON)."""
    who = f"user {today.user!r}"
    when = today.run_date.isoformat() if today.run_date else ""
    return {
        "inactive": f"{who} is inactive; inactive users have no KPIs",
        "no_profile": f"{who} has no profile, so no KPI rules apply "
        "(assign one in KPI opsætning or with kpidesk setup import)",
        "no_rules": f"{who} has no KPIs: their profile has no active KPI rules",
        "no_run": f"{who} has KPI rules, but no KPI run has succeeded on or before that date "
        "yet (run kpidesk recalc)",
        "no_results": f"{who} has KPI rules, but the latest run ({when}) has no results for "
        "them yet: the rules or the profile came after it (run kpidesk recalc)",
    }.get(today.reason, f"{who} has no KPIs")


# --- kpi -------------------------------------------------------------------------------------


def cmd_kpi(args: argparse.Namespace) -> int:
    from kpidesk.services import kpi

    db = database(args)
    lang = language(args)
    try:
        try:
            today = desk(db).kpi.today(args.user, as_of=args.date)
        except kpi.KpiServiceError as exc:
            raise UserError(str(exc)) from exc
        money = desk(db).settings.currency()
        if args.explain is not None:
            return _explain(db, today, args.explain, lang, money, as_json=args.json)
        if args.json:
            emit(json.dumps(today.to_json(), ensure_ascii=False, indent=2) + "\n")
        else:
            emit(_today_text(db, today, lang, money) + "\n")
        if not today.kpis:
            print(f"kpidesk: {no_kpis_message(today)}", file=sys.stderr)
    finally:
        db.dispose()
    return ExitCode.OK


def _local_time(db: Database, moment: dt.datetime | None, lang: str) -> str:
    if moment is None:
        return UNDEFINED
    return format_date(moment.astimezone(desk(db).timezone()), lang)


def _today_text(db: Database, today: Any, lang: str, currency: str) -> str:
    name = f"{today.user_name} ({today.user})" if today.user_name else today.user
    if today.run_date is None:
        return say("cli.kpi.none_yet", lang, name=name)
    lines = [
        say(
            "cli.kpi.heading",
            lang,
            name=name,
            date=format_date(today.run_date, lang),
            computed=_local_time(db, today.computed_at, lang),
        )
    ]
    if today.kpis:
        rows = [
            [
                item.rule,
                format_value(item.value, item.unit, lang, currency),
                format_value(item.target, item.unit, lang, currency),
                format_score(item.score, lang),
                format_forecast(item, lang, currency),
            ]
            for item in today.kpis
        ]
        header = [say(f"cli.kpi.{key}", lang)
                  for key in ("rule", "value", "target", "score", "forecast")]  # fmt: skip
        lines += ["", render_table(header, rows, {1, 2, 3})]
    return "\n".join(lines)


def _explain(
    db: Database, today: Any, rule_name: str, lang: str, currency: str, *, as_json: bool
) -> int:
    from kpidesk.services import kpi

    item = today.find(rule_name)
    if item is None:
        if not today.kpis:
            raise UserError(no_kpis_message(today))
        names = ", ".join(repr(k.rule) for k in today.kpis)
        raise UserError(f"user {today.user!r} has no KPI named {rule_name!r} (theirs: {names})")
    try:
        explanation = desk(db).kpi.explain(today.user_id, item.rule_id, today.run_date,
                                           lang=lang)  # fmt: skip
    except kpi.KpiServiceError as exc:
        raise UserError(str(exc)) from exc
    if as_json:
        data = {
            "user": today.user,
            "rule": explanation.rule,
            "template": explanation.template,
            "run_date": explanation.run_date.isoformat(),
            "unit": explanation.unit,
            "value": explanation.value,
            "stored_value": explanation.stored_value,
            "target": explanation.target,
            "score": explanation.score,
            "description": explanation.description,
            "summary": explanation.summary,
            "columns": explanation.columns,
            "rows": [[_json_cell(cell) for cell in row] for row in explanation.rows],
            "gap_columns": explanation.gap_columns,
            "gap_rows": [[_json_cell(cell) for cell in row] for row in explanation.gap_rows],
        }
        emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return ExitCode.OK

    def cells(keys: list[str], row: Any) -> list[str]:
        return [format_cell(cell, lang, key, currency) for key, cell in zip(keys, row, strict=True)]

    lines = [
        f"{explanation.rule}: {explanation.description}",
        say(
            "cli.kpi.as_of",
            lang,
            user=today.user,
            date=format_date(explanation.run_date, lang),
            summary=explanation.summary,
        ),  # fmt: skip
        "",
    ]
    if explanation.rows:
        rows = [cells(explanation.columns, row) for row in explanation.rows]
        lines.append(render_table(explanation.column_labels(lang), rows, set()))
    else:
        lines.append(say("cli.kpi.no_rows", lang))
    if explanation.gap_columns:
        lines += ["", say("cli.kpi.missing", lang, n=len(explanation.gap_rows))]
        if explanation.gap_rows:
            gaps = [cells(explanation.gap_columns, row) for row in explanation.gap_rows]
            lines.append(render_table(explanation.gap_column_labels(lang), gaps, set()))
        else:
            lines.append(say("cli.kpi.none_missing", lang))
    emit("\n".join(lines) + "\n")
    return ExitCode.OK


def _json_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# --- setup export / import -------------------------------------------------------------------


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise UserError(f"folder {folder} does not exist")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cmd_setup_export(args: argparse.Namespace) -> int:
    db = database(args)
    try:
        data = desk(db).setup.export()
    finally:
        db.dispose()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.file == "-":
        emit(text)
        return ExitCode.OK
    write_atomically(Path(args.file), text)
    print(
        f"exported {len(data['profiles'])} profiles, {len(data['rules'])} rules and "
        f"{len(data['assignments'])} users' profiles to {args.file}"
    )
    return ExitCode.OK


def cmd_setup_import(args: argparse.Namespace) -> int:
    from kpidesk.services.setup_io import SetupFileError, SetupImportError, load_setup_json

    source = "standard input" if args.file == "-" else args.file
    if args.file == "-":
        raw = sys.stdin.read()
    else:
        try:
            raw = Path(args.file).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserError(f"{source} is not UTF-8 text: {exc.reason}") from exc
    try:
        data = load_setup_json(raw)
    except SetupFileError as exc:
        raise UserError(f"{source}: {exc}") from None
    db = database(args)
    try:
        report = desk(db).setup.import_(data)
    except SetupImportError as exc:
        count = len(exc.errors)
        print(f"kpidesk: error: {count} problem{'s' if count != 1 else ''} in {source}, "
              "nothing was imported:", file=sys.stderr)  # fmt: skip
        for problem in exc.errors:
            print(f"  - {problem}", file=sys.stderr)
        return ExitCode.ERROR
    finally:
        db.dispose()
    print(f"imported {source}: {report.summary()}")
    return ExitCode.OK
