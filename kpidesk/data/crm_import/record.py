"""How one record of a CRM file becomes a row of its stage table: where each mapped column is
in the header, which records a mapping leaves out, and each column's converter from text to
the stored value (with every bad value of a row reported, not only the first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection

from kpidesk.data.crm_import.entities import Entity, Field, Parser
from kpidesk.data.crm_import.mapping import Skip, Source, Unmapped, UnmappedValues
from kpidesk.data.crm_import.report import Errors, FileReport, Place
from kpidesk.data.crm_import.values import KEY_LENGTH, parse_key
from kpidesk.data.models import UTCDateTime
from kpidesk.data.timestamps import utc_to_stored


def columns(
    mapped: Source, header: list[str], place: Place, errors: Errors, report: FileReport
) -> tuple[dict[str, int], list[tuple[int, Skip]], list[list[int]]]:
    """Where each mapped column is in the header; every problem is reported on line 1.

    Columns joined from several (`columns = [...]`) get positions after the header's.
    """
    spec = place.entity
    positions: dict[str, int] = {}
    joins: list[list[int]] = []  # columns joined into one, appended after the header's
    if mapped.builtin:
        known = spec.field_names()
        ignored: list[str] = []
        lowered = [name.lower() for name in header]
        for position, name in enumerate(lowered):
            if name in positions:
                errors.add(place, 1, name, "column appears twice in the header")
            elif name in known:
                positions[name] = position
            elif name:
                ignored.append(name)
        report.ignored_columns = tuple(ignored)
        for fld in spec.fields:
            if fld.column_required and fld.name not in positions:
                errors.add(
                    place, 1, fld.name, f"missing required column (header: {','.join(lowered)})"
                )
        return positions, [], []

    at = place.header_line
    container, listing = ("the file", "header")
    if place.query:
        container, listing = "the query's result", "columns"

    def find(column: str, what: str) -> int | None:
        if column in header:
            if header.count(column) > 1:
                errors.add(place, at, what, f"column {column!r} appears twice in the {listing}")
            return header.index(column)
        folded = [name.casefold() for name in header]
        if folded.count(column.casefold()) == 1:
            return folded.index(column.casefold())
        errors.add(
            place,
            at,
            what,
            f"column {column!r} is not in {container} ({listing}: {', '.join(header)})",
        )
        return None

    for name, rule in mapped.rules.items():
        column = rule.column
        if rule.same_as is not None:
            column = mapped.rules[rule.same_as].column
            if column is None and not mapped.rules[rule.same_as].columns:
                positions[name] = -1  # same as a constant: a constant
                continue
        joined = rule.columns or (mapped.rules[rule.same_as].columns if rule.same_as else ())
        if joined:
            parts = [find(part, name) for part in joined]
            if all(part is not None for part in parts):
                positions[name] = len(header) + len(joins)
                joins.append([part for part in parts if part is not None])
            continue
        if column is None:
            positions[name] = -1  # a constant
            continue
        found = find(column, name)
        if found is not None:
            positions[name] = found
    skips = []
    for skip in mapped.skip:
        found = find(skip.column, "(skip)")
        if found is not None:
            skips.append((found, skip))
    return positions, skips, joins


def conditions(
    mapped: Source, header: list[str], positions: dict[str, int], place: Place, errors: Errors
) -> list[tuple[int, int, frozenset[str]]]:
    """Columns read only when another column has one of some values: (column, condition)."""
    found = []
    lowered = [name.casefold() for name in header]
    for name, rule in mapped.rules.items():
        if rule.only_when is None or positions.get(name, -1) < 0:
            continue
        column, values = rule.only_when
        if column.casefold() not in lowered:
            errors.add(
                place,
                place.header_line,
                name,
                f"column {column!r} (only_when) is not in "
                + ("the query's result" if place.query else "the file"),
            )
            continue
        found.append((positions[name], lowered.index(column.casefold()), frozenset(values)))
    return found


def left_out(values: list[str], skips: list[tuple[int, Skip]], report: FileReport) -> bool:
    for position, skip in skips:
        text = values[position].strip()
        if (skip.empty and not text) or (text and text in skip.values):
            reason = skip.describe()
            report.left_out[reason] = report.left_out.get(reason, 0) + 1
            return True
    return False


Cell = tuple[int, str, Callable[[str], Any]]  # position in the record, column, converter
_MISSING = object()


def with_problems(
    line: int, src: int, values: list[str], cells: list[Cell], unmapped: dict[str, UnmappedValues]
) -> tuple[tuple[Any, ...], list[tuple[str, str]]]:
    """The slow path for a row with errors: every bad value is reported, not only the first.

    Values a value map does not name are counted per column instead (one error per column).
    """
    row: list[Any] = [line, src]
    problems: list[tuple[str, str]] = []
    for position, name, cell in cells:
        try:
            row.append(cell(values[position]))
        except Unmapped as exc:
            unmapped.setdefault(name, UnmappedValues()).add(exc.value, line)
            row.append(None)
        except ValueError as exc:
            problems.append((name, str(exc)))
            row.append(None)
    return tuple(row), problems


def cells(
    conn: Connection,
    spec: Entity,
    mapped: Source,
    parsers: dict[str, Parser],
    positions: dict[str, int],
    place: Place,
    errors: Errors,
) -> list[Cell]:
    """Per column: where it is in the record and how its text becomes a stored value.

    Values are converted with the stage column's own SQLAlchemy bind processor, so the
    stage holds exactly what the real tables store (and comparisons in SQL are exact).
    A column the file does not have gives its default (a missing required column is
    reported once, on line 1).
    """
    found: list[Cell] = []
    for fld in spec.fields:
        # The dialect's own implementation: on SQLite UTCDateTime's writes the canonical text
        # of kpidesk.data.timestamps (the generic type's processor would hand the driver a
        # datetime, which sqlite3 writes without the microseconds).
        stage_type = spec.stage.c[fld.name].type
        processor: Callable[[Any], Any] | None = stage_type.dialect_impl(
            conn.dialect
        ).bind_processor(conn.dialect)
        if isinstance(stage_type, UTCDateTime):
            processor = _utc_binder(conn.dialect.name)  # the same values, without the wrapping
        default = fld.default
        if processor is not None and default is not None:
            default = processor(default)
        position = positions.get(fld.name)
        parse = parsers[fld.name]
        if position is None and fld.default_from is not None:
            # Stands in for the other column, whose errors that column reports itself.
            position = positions.get(fld.default_from)
            parse = _quiet(parsers[fld.default_from])
        if position is None:
            found.append((0, fld.name, _constant(default)))
            continue
        if position == -1:  # a constant: read once
            rule = mapped.rules[fld.name]
            if rule.same_as is not None:
                rule = mapped.rules[rule.same_as]
            try:
                constant = _cell(fld, parse, processor, default)(rule.value or "")
            except ValueError as exc:
                errors.add(
                    place, place.header_line, fld.name, f"the mapping's value {rule.value!r}: {exc}"
                )
                constant = None
            found.append((0, fld.name, _constant(constant)))
            continue
        source_rule = mapped.rules.get(fld.name)
        maps_empty = (
            source_rule is not None
            and source_rule.value_map is not None
            and "" in source_rule.value_map
        )
        found.append(
            (position, fld.name, _cell(fld, parse, processor, default, maps_empty)),
        )
    return found


def _utc_binder(dialect: str) -> Callable[[Any], Any]:
    """UTCDateTime's bind processing for the bulk load: the parsers hand over aware UTC
    date-times; SQLite stores the canonical text, PostgreSQL naive UTC."""

    def sqlite_text(value: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is not dt.UTC:
            value = value.astimezone(dt.UTC)
        return utc_to_stored(value)

    def naive_utc(value: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    return sqlite_text if dialect == "sqlite" else naive_utc


def _constant(value: Any) -> Callable[[str], Any]:
    """A cell that is the same stored value on every line, whatever the record holds."""

    def cell(_raw: str) -> Any:
        return value

    return cell


def _quiet(parse: Parser) -> Parser:
    def quiet(value: str) -> Any:
        try:
            return parse(value)
        except ValueError:
            return None

    return quiet


def _cell(
    fld: Field,
    parse: Parser,
    processor: Callable[[Any], Any] | None,
    default: Any,
    maps_empty: bool = False,
) -> Callable[[str], Any]:
    """One column's text to its stored value; raises ValueError with the user's message.

    An empty cell is the column's default (or "value required"), unless the column's value
    map names the empty text (`"" = false`): CRMs leave picklists empty.
    """
    required, cached = fld.value_required, fld.cached
    memo: dict[str, Any] = {}
    if parse is parse_key and processor is None and not cached and not maps_empty:
        return _key_cell(required, default)

    def cell(raw: str) -> Any:
        if cached:
            hit = memo.get(raw, _MISSING)
            if hit is not _MISSING:
                return hit
        text = raw.strip()
        if not text and maps_empty:
            value = parse("")
            if processor is not None and value is not None:
                value = processor(value)
        elif not text:
            if required:
                raise ValueError("value required")
            value = default
        else:
            value = parse(text)
            if processor is not None:
                value = processor(value)
        if cached and len(memo) < 100_000:
            memo[raw] = value
        return value

    return cell


def _key_cell(required: bool, default: Any) -> Callable[[str], Any]:
    """A CRM key column (the most frequent cells): the plain case inline, the rest by
    parse_key, so values and messages are exactly parse_key's."""

    def cell(raw: str) -> Any:
        text = raw.strip()
        if not text:
            if required:
                raise ValueError("value required")
            return default
        if len(text) <= KEY_LENGTH and text.isprintable():
            return text
        return parse_key(text)

    return cell
