"""Mapping files: how a CRM's own export becomes kpidesk's five files.

A mapping (TOML) names, per kpidesk entity, the source file(s) that feed it and, per kpidesk
column, a source column, a constant or another column of the same row, with value maps,
date formats, the time zone of naive times and the number format. The vocabulary follows
Frictionless Table Schema where it can (`format` patterns, decimal and group characters,
currency around a number). Without a mapping the built-in one reads kpidesk's own format.

The mapping is validated as a whole before any file is read: one line per problem.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpidesk import paths
from kpidesk.data.crm_import.entities import (
    DATE,
    DATETIME,
    ENTITIES,
    FILE_NAMES,
    Entity,
    Field,
    Parser,
    default_parsers,
)
from kpidesk.data.crm_import.report import ImportFailed
from kpidesk.data.crm_import.values import NumberFormat, amount_parser, in_range

PRESET_SUFFIX = ".toml"
ENTITY_KEYS = {name.removesuffix(".csv"): name for name in FILE_NAMES}
_TOP_KEYS = {"mapping", *ENTITY_KEYS}
_SETTINGS_KEYS = {"name", "source", "timezone", "date_formats", "datetime_formats", "number"}
_NUMBER_KEYS = {"decimal", "thousands", "currency"}
_SOURCE_KEYS = {"file", "query", "columns", "skip"}
_QUERY_START = re.compile(r"\s*(select|with)\b", re.IGNORECASE)
_RULE_KEYS = {
    "column", "columns", "value", "same_as", "login", "map", "formats", "timezone", "number",
    "only_when",
}  # fmt: skip
_SKIP_KEYS = {"column", "values", "empty"}


class Unmapped(ValueError):
    """A value the column's value map does not name (collected with counts, not per line)."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


@dataclass(frozen=True)
class Rule:
    """Where one kpidesk column's text comes from, and how it is read."""

    field: str
    column: str | None = None
    columns: tuple[str, ...] = ()  # several columns joined by a space (first and last name)
    value: str | None = None
    same_as: str | None = None
    login: bool = False  # a login derived from a name or an e-mail
    value_map: dict[str, str] | None = None
    formats: tuple[str, ...] = ()
    timezone: str | None = None
    number: NumberFormat | None = None
    # Empty unless another column of the row has one of these values (e.g. SuiteCRM's
    # parent_id is an account only when parent_type is "Accounts").
    only_when: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Skip:
    """Rows left out: a column's value is one of `values` (or empty, with `empty`)."""

    column: str
    values: tuple[str, ...] = ()
    empty: bool = False

    def describe(self) -> str:
        if self.empty:
            return f"{self.column} empty"
        return f"{self.column} = {', '.join(repr(v) for v in self.values)}"


@dataclass(frozen=True)
class Source:
    """One source file (a name or a glob), or one SELECT of a `sql` data source, feeding one
    kpidesk entity."""

    entity: str  # kpidesk's file name, e.g. "activities.csv"
    file: str
    rules: dict[str, Rule]
    skip: tuple[Skip, ...] = ()
    builtin: bool = False  # kpidesk's own columns: any subset, others ignored
    query: str = ""  # a `sql` source's SELECT (then `file` is empty)


@dataclass(frozen=True)
class Mapping:
    name: str
    sources: tuple[Source, ...]
    timezone: str = "local"
    date_formats: tuple[str, ...] = ()
    datetime_formats: tuple[str, ...] = ()
    number: NumberFormat | None = None
    origin: str = ""  # the preset's documented source (its header)
    builtin: bool = False

    def zone(self, local: ZoneInfo, name: str | None = None) -> ZoneInfo:
        chosen = name or self.timezone
        return local if chosen.lower() == "local" else ZoneInfo(chosen)

    @property
    def reads_queries(self) -> bool:
        """A mapping for a `sql` data source: one SELECT per entity instead of files."""
        return any(source.query for source in self.sources)


def builtin_mapping() -> Mapping:
    """kpidesk's own format: five files named after the entities, columns named as kpidesk's."""
    return Mapping(
        "kpidesk",
        tuple(
            Source(name, name, {f.name: Rule(f.name, column=f.name) for f in e.fields}, (), True)
            for name, e in ENTITIES.items()
        ),
        builtin=True,
    )


def presets() -> dict[str, Path]:
    """The mappings shipped with kpidesk (`--mapping suitecrm`)."""
    folder = paths.resource_path("mappings")
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob(f"*{PRESET_SUFFIX}"))}


def load_mapping(spec: str | Path) -> Mapping:
    """A mapping file, or a preset by name; ImportFailed lists every problem in it."""
    path = Path(spec)
    if not path.exists() and str(spec).lower() in presets():
        path = presets()[str(spec).lower()]
    if not path.is_file():
        known = ", ".join(presets()) or "none"
        raise ImportFailed([f"{spec}: mapping file not found (presets: {known})"])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImportFailed([f"{path.name}: not a valid TOML file: {exc}"]) from exc
    problems: list[str] = []
    mapping = parse_mapping(data, path.name, problems)
    if problems:
        raise ImportFailed(problems)
    return mapping


def _unknown(keys: Any, allowed: set[str], where: str, problems: list[str]) -> None:
    for key in keys:
        if key not in allowed:
            problems.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(allowed))})")


def _strings(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        problems.append(f"{where}: expected a text or a list of texts")
        return ()
    return tuple(items)


def _number(value: Any, where: str, problems: list[str]) -> NumberFormat | None:
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a table (decimal, thousands, currency)")
        return None
    _unknown(value, _NUMBER_KEYS, where, problems)
    decimal = value.get("decimal", ".")
    thousands = value.get("thousands", "")
    if decimal not in (".", ","):
        problems.append(f"{where}.decimal: use '.' or ','")
    if thousands not in ("", ",", ".", " ", "'", "\u00a0") or thousands == decimal:
        problems.append(f"{where}.thousands: use '', ',', '.', ' ' or \"'\" (not the decimal)")
    currency = _strings(value.get("currency", []), f"{where}.currency", problems)
    return NumberFormat(str(decimal), str(thousands), currency)


def _timezone(value: Any, where: str, problems: list[str]) -> str:
    if not isinstance(value, str):
        problems.append(f"{where}: expected 'local', 'UTC' or a name like 'Europe/Copenhagen'")
        return "local"
    if value.lower() != "local":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"{where}: unknown time zone {value!r}")
            return "local"
    return value


def parse_mapping(data: dict[str, Any], label: str, problems: list[str]) -> Mapping:
    """A mapping from its TOML tables; every problem is appended to `problems`."""
    _unknown(data, _TOP_KEYS, label, problems)
    settings = data.get("mapping", {})
    if not isinstance(settings, dict):
        problems.append(f"{label}: [mapping] must be a table")
        settings = {}
    _unknown(settings, _SETTINGS_KEYS, f"{label}: [mapping]", problems)
    timezone = _timezone(settings.get("timezone", "local"), f"{label}: timezone", problems)
    number = None
    if "number" in settings:
        number = _number(settings["number"], f"{label}: [mapping.number]", problems)
    date_formats = _strings(settings.get("date_formats", []), f"{label}: date_formats", problems)
    datetime_formats = _strings(
        settings.get("datetime_formats", []), f"{label}: datetime_formats", problems
    )
    sources: list[Source] = []
    for key, entity_name in ENTITY_KEYS.items():
        tables = data.get(key, [])
        if isinstance(tables, dict):
            tables = [tables]
        if not isinstance(tables, list):
            problems.append(f"{label}: [[{key}]] must be a list of tables")
            continue
        for number_in_list, table in enumerate(tables, 1):
            where = f"{label}: [[{key}]] #{number_in_list}"
            source = _source(ENTITIES[entity_name], table, where, problems)
            if source is not None:
                sources.append(source)
    if not sources:
        problems.append(f"{label}: no [[users]], [[companies]], [[activities]] … table")
    elif any(s.query for s in sources) and not all(s.query for s in sources):
        problems.append(
            f"{label}: give every table a query (a `sql` data source) or every table a file "
            "(an export), not both"
        )
    return Mapping(
        str(settings.get("name", label)),
        tuple(sources),
        timezone,
        date_formats,
        datetime_formats,
        number,
        str(settings.get("source", "")),
    )


def _source(entity: Entity, table: Any, where: str, problems: list[str]) -> Source | None:
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a table with file and columns")
        return None
    _unknown(table, _SOURCE_KEYS, where, problems)
    file = table.get("file")
    query = table.get("query")
    if query is not None:
        file = ""
        if "file" in table:
            problems.append(f"{where}: give file (an export) or query (a database), not both")
        if not isinstance(query, str) or not _QUERY_START.match(query):
            problems.append(f'{where}: query = "SELECT …" (one SELECT or WITH … SELECT)')
            query = ""
        elif ";" in query.strip().rstrip(";"):
            problems.append(f"{where}: query: one statement only (no ';' inside)")
        query = query.strip().rstrip(";").strip()
    elif not isinstance(file, str) or not file.strip():
        problems.append(f"{where}: file = \"…\" (a file name or a pattern like 'Meetings*.csv')")
        file = ""
    columns = table.get("columns", {})
    if not isinstance(columns, dict):
        problems.append(f"{where}.columns: expected a table")
        columns = {}
    rules: dict[str, Rule] = {}
    names = entity.field_names()
    for name, spec in columns.items():
        if name not in names:
            problems.append(
                f"{where}.columns: unknown kpidesk column {name!r} (known: {', '.join(names)})"
            )
            continue
        rule = _rule(entity.get(name), spec, f"{where}.columns.{name}", problems)
        if rule is not None:
            rules[name] = rule
    for fld in entity.fields:
        if fld.column_required and fld.name not in rules and fld.default_from is None:
            problems.append(
                f"{where}.columns: {fld.name} is required: map it to a column or a value"
            )
    for name, rule in rules.items():
        if rule.same_as is not None and rule.same_as not in rules:
            problems.append(f"{where}.columns.{name}: same_as {rule.same_as!r} is not mapped")
    skips: list[Skip] = []
    raw_skips = table.get("skip", [])
    if not isinstance(raw_skips, list):
        raw_skips = [raw_skips]
    for index, item in enumerate(raw_skips, 1):
        if not isinstance(item, dict) or not isinstance(item.get("column"), str):
            problems.append(f'{where}.skip #{index}: expected {{ column = "…", values = […] }}')
            continue
        _unknown(item, _SKIP_KEYS, f"{where}.skip #{index}", problems)
        values = _strings(item.get("values", []), f"{where}.skip #{index}.values", problems)
        skips.append(Skip(item["column"], values, bool(item.get("empty", False))))
    return Source(entity.name, str(file).strip(), rules, tuple(skips), query=query or "")


def _rule(fld: Field, spec: Any, where: str, problems: list[str]) -> Rule | None:
    if isinstance(spec, str):
        return Rule(fld.name, column=spec)
    if not isinstance(spec, dict):
        problems.append(f"{where}: expected a column name or a table")
        return None
    _unknown(spec, _RULE_KEYS, where, problems)
    origins = [key for key in ("column", "columns", "value", "same_as") if key in spec]
    if len(origins) != 1:
        problems.append(f"{where}: give exactly one of column, columns, value or same_as")
        return None
    joined = _strings(spec.get("columns", []), f"{where}.columns", problems)
    value_map = spec.get("map")
    if value_map is not None:
        if not isinstance(value_map, dict) or not all(
            isinstance(v, str | bool | int) for v in value_map.values()
        ):
            problems.append(f"{where}.map: expected a table of source value = kpidesk value")
            value_map = None
        else:
            value_map = {str(k).strip(): _as_text(v) for k, v in value_map.items()}
            _check_targets(fld, value_map, f"{where}.map", problems)
    formats = _strings(spec.get("formats", []), f"{where}.formats", problems)
    if formats and fld.kind not in (DATE, DATETIME):
        problems.append(f"{where}.formats: {fld.name} is not a date or time")
    timezone = None
    if "timezone" in spec:
        timezone = _timezone(spec["timezone"], f"{where}.timezone", problems)
    number = _number(spec["number"], f"{where}.number", problems) if "number" in spec else None
    only_when = None
    if "only_when" in spec:
        condition = spec["only_when"]
        if not isinstance(condition, dict) or not isinstance(condition.get("column"), str):
            problems.append(f'{where}.only_when: expected {{ column = "…", values = […] }}')
        else:
            values = _strings(condition.get("values", []), f"{where}.only_when.values", problems)
            only_when = (condition["column"], values)
    value = spec.get("value")
    return Rule(
        fld.name,
        column=spec.get("column"),
        columns=joined,
        value=None if value is None else _as_text(value),
        same_as=spec.get("same_as"),
        login=bool(spec.get("login", False)),
        value_map=value_map,
        formats=formats,
        timezone=timezone,
        number=number,
        only_when=only_when,
    )


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_targets(fld: Field, value_map: dict[str, str], where: str, problems: list[str]) -> None:
    """A value map must give values kpidesk accepts for that column."""
    try:
        parse = fld.kind.parser(ZoneInfo("UTC"))
    except Exception:  # pragma: no cover - every kind builds its parser without I/O
        return
    for source, target in value_map.items():
        if target == "":
            continue
        try:
            parse(target)
        except ValueError as exc:
            problems.append(f"{where}: {source!r} = {target!r}: {exc}")


# --- reading cells with a mapping -----------------------------------------------------------

_TRANSLITERATE = str.maketrans(
    {"æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "å": "aa", "Å": "aa", "ß": "ss", "ð": "d"}
)
_NOT_LOGIN = re.compile(r"[^a-z0-9]+")


def derive_login(text: str) -> str:
    """A stable login from a name or an e-mail: lower-case ASCII words joined by dots."""
    if "@" in text:
        text = text.split("@", 1)[0]
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode()
    )
    login = _NOT_LOGIN.sub(".", ascii_text.lower()).strip(".")
    if not login:
        raise ValueError(f"cannot derive a login from {text!r}")
    return login[:100]


# ISO patterns whose values fromisoformat reads exactly (≈ 10x faster than strptime),
# recognised by their fixed shape.
_ISO_SHAPES = {
    "%Y-%m-%d": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "%Y-%m-%d %H:%M": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"),
    "%Y-%m-%d %H:%M:%S": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    "%Y-%m-%dT%H:%M:%S": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"),
}


def _read(value: str, pattern: str) -> dt.datetime:
    shape = _ISO_SHAPES.get(pattern)
    if shape is not None:
        if not shape.fullmatch(value):
            raise ValueError(value)
        return dt.datetime.fromisoformat(value)
    return dt.datetime.strptime(value, pattern)


def _date_parser(formats: tuple[str, ...], tz: ZoneInfo, as_date: bool) -> Parser:
    shown = " or ".join(formats)

    def parse(value: str) -> Any:
        for pattern in formats:
            try:
                parsed = _read(value, pattern)
            except ValueError:
                continue
            if as_date:
                return parsed.date()
            aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
            return in_range(value, aware)
        raise ValueError(
            f"invalid {'date' if as_date else 'date-time'} {value!r}: expected {shown}"
        )

    return parse


def rule_parsers(mapping: Mapping, source: Source, entity: Entity, local: ZoneInfo) -> dict[
    str, Parser
]:  # fmt: skip
    """Per field: value map, derived login, formats and number format before the kind's parse."""
    parsers = default_parsers(entity, mapping.zone(local))
    if mapping.builtin:
        return parsers
    for name, parse in list(parsers.items()):
        fld = entity.get(name)
        rule = source.rules.get(name)
        tz = mapping.zone(local, rule.timezone if rule else None)
        if fld.kind is DATETIME or fld.kind is DATE:
            formats = rule.formats if rule and rule.formats else ()
            if not formats:
                formats = mapping.date_formats if fld.kind is DATE else mapping.datetime_formats
            if fld.kind is DATE and not formats:
                formats = mapping.date_formats
            if formats:
                parse = _date_parser(formats, tz, fld.kind is DATE)
            elif fld.kind is DATETIME:
                parse = fld.kind.parser(tz)
        if fld.kind.name == "amount":
            parse = amount_parser(rule.number if rule and rule.number else mapping.number)
        if rule is not None and rule.value_map is not None:
            parse = _mapped(rule.value_map, parse)
        if rule is not None and rule.login:
            parse = _derived(parse)
        parsers[name] = parse
    return parsers


def _mapped(value_map: dict[str, str], parse: Parser) -> Parser:
    fallback = value_map.get("*")
    folded = {key.casefold(): value for key, value in value_map.items()}

    def parse_mapped(value: str) -> Any:
        target = value_map.get(value)
        if target is None:
            target = folded.get(value.casefold(), fallback)
        if target is None:
            raise Unmapped(value)
        return parse(target) if target else None

    return parse_mapped


def _derived(parse: Parser) -> Parser:
    def parse_derived(value: str) -> Any:
        return parse(derive_login(value))

    return parse_derived


@dataclass
class UnmappedValues:
    """Distinct unmapped values of one column of one file, with counts and first line."""

    counts: dict[str, int] = field(default_factory=dict)
    first_line: int = 0

    def add(self, value: str, line: int) -> None:
        if not self.counts:
            self.first_line = line
        self.counts[value] = self.counts.get(value, 0) + 1


Header = Callable[[str], int | None]
