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

from kpidesk.cli.common import ExitCode, UserError, add_db_option, database, desk

if TYPE_CHECKING:
    from kpidesk.services.database import Database

UNDEFINED = "–"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kpi = sub.add_parser(
        "kpi",
        help='show a user\'s KPIs as "Dagens KPI" does (from the latest successful run)',
        description="Show a user's KPIs from the latest successful run on or before a date: "
        "value, target, score and forecast per rule. Values in JSON are machine units "
        "(fractions for percents); the table shows them as people read them.",
    )
    add_db_option(kpi)
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


def _grouped(number: float, decimals: int) -> str:
    """Danish digit grouping: 1.234.567,5."""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(value: float | None, unit: str) -> str:
    """A value as people read it in Danish: `6`, `60 %`, `1.234.567 kr.`, `–` if undefined."""
    if value is None:
        return UNDEFINED
    if unit == "percent":
        return f"{_grouped(value * 100, 0)} %"
    if unit == "currency":
        return f"{_grouped(value, 0)} kr."
    return _grouped(value, 0 if float(value).is_integer() else 1)


def format_cell(value: Any) -> str:
    if value is None:
        return UNDEFINED
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return _grouped(value, 0 if value.is_integer() else 2)
    return str(value)


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


def format_forecast(item: Any) -> str:
    """The forecast in a few words: projection and band, or, where the backtest found no
    forecast better than "no change" (a period: the pace line), that instead."""
    result = item.forecast
    if result.status == "insufficient_history":
        return f"for lidt historik ({result.nights} nætter)"
    if result.status != "ok":
        return UNDEFINED
    band = ""
    if result.low is not None and result.high is not None and result.high > result.low:
        band = f" ({format_value(result.low, item.unit)}–{format_value(result.high, item.unit)})"
    if result.horizon.kind == "window":
        when = f"om {(result.horizon.end - result.horizon.start).days} dage"
    else:
        when = "ved periodens slut"
    if not result.shown:
        if result.horizon.kind == "period" and result.pace is not None:
            return f"tempo: {format_value(result.pace, item.unit)} {when}"
        return f"omtrent uændret{band} {when}"
    text = f"{format_value(result.projected, item.unit)}{band} {when}"
    if result.on_pace is not None:
        text += ", på sporet" if result.on_pace else ", bagud"
    return str(text)


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
    try:
        try:
            today = desk(db).kpi.today(args.user, as_of=args.date)
        except kpi.KpiServiceError as exc:
            raise UserError(str(exc)) from exc
        if args.explain is not None:
            return _explain(db, today, args.explain, as_json=args.json)
        if args.json:
            emit(json.dumps(today.to_json(), ensure_ascii=False, indent=2) + "\n")
        else:
            emit(_today_text(db, today) + "\n")
        if not today.kpis:
            print(f"kpidesk: {no_kpis_message(today)}", file=sys.stderr)
    finally:
        db.dispose()
    return ExitCode.OK


def _local_time(db: Database, moment: dt.datetime | None) -> str:
    if moment is None:
        return UNDEFINED
    return moment.astimezone(desk(db).timezone()).strftime("%d.%m.%Y %H:%M")


def _today_text(db: Database, today: Any) -> str:
    name = f"{today.user_name} ({today.user})" if today.user_name else today.user
    if today.run_date is None:
        return f"{name}: ingen beregnede KPI'er endnu"
    lines = [
        f"{name}: KPI pr. {today.run_date.strftime('%d.%m.%Y')}, "
        f"beregnet {_local_time(db, today.computed_at)}"
    ]
    if today.kpis:
        rows = [
            [
                item.rule,
                format_value(item.value, item.unit),
                format_value(item.target, item.unit),
                format_value(item.score, "percent"),
                format_forecast(item),
            ]
            for item in today.kpis
        ]
        lines += ["", render_table(["Regel", "Værdi", "Mål", "Score", "Prognose"], rows, {1, 2, 3})]
    return "\n".join(lines)


def _explain(db: Database, today: Any, rule_name: str, *, as_json: bool) -> int:
    from kpidesk.services import kpi

    item = today.find(rule_name)
    if item is None:
        if not today.kpis:
            raise UserError(no_kpis_message(today))
        names = ", ".join(repr(k.rule) for k in today.kpis)
        raise UserError(f"user {today.user!r} has no KPI named {rule_name!r} (theirs: {names})")
    try:
        explanation = desk(db).kpi.explain(today.user_id, item.rule_id, today.run_date)
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
    lines = [
        f"{explanation.rule}: {explanation.description}",
        f"{today.user} pr. {explanation.run_date.strftime('%d.%m.%Y')}: {explanation.summary}",
        "",
    ]
    if explanation.rows:
        rows = [[format_cell(cell) for cell in row] for row in explanation.rows]
        lines.append(render_table(explanation.column_labels("da"), rows, set()))
    else:
        lines.append("(ingen poster)")
    if explanation.gap_columns:
        lines += ["", f"Mangler stadig ({len(explanation.gap_rows)}), klar til at ringe op:"]
        if explanation.gap_rows:
            gaps = [[format_cell(cell) for cell in row] for row in explanation.gap_rows]
            lines.append(render_table(explanation.gap_column_labels("da"), gaps, set()))
        else:
            lines.append("(ingen: alle er dækket)")
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
