"""`kpidesk mapping init DIR`: a starting mapping written from the files' headers and values.

Obvious names (`Id`, `Account Name`, `Assigned User Id`, `Close Date`, `Stage` …) are mapped,
date formats are guessed from the values, and every column that needs a value map lists its
distinct values with counts; what is still to decide is marked `?` (which the mapping check
refuses until it is filled in) or left as a comment.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kpidesk.data.crm_import.entities import ENTITIES, FILE_NAMES, Entity, Field
from kpidesk.data.crm_import.reader import (
    detect_encoding,
    not_readable,
    numbered_rows,
    sniff_delimiter,
)
from kpidesk.data.crm_import.report import ImportFailed
from kpidesk.data.crm_import.values import parse_amount

MAX_DISTINCT = 40  # distinct values listed per column
SAMPLE_ROWS = 200_000  # rows read per file for values and formats
NOT_READ = "# not read: "  # how the draft names files it could not read (the CLI repeats them)
# Columns that flag deleted records (SuiteCRM `deleted`, Salesforce `IsDeleted`).
_DELETED = ("deleted", "isdeleted")
_TRUE_TEXTS = ("1", "true", "yes", "ja")

# File name words -> kpidesk entity (and a constant activity type).
_FILE_WORDS: tuple[tuple[str, str], ...] = (
    ("participant", "activity_participants.csv"),
    ("invitee", "activity_participants.csv"),
    ("meetings_users", "activity_participants.csv"),
    ("user", "users.csv"),
    ("owner", "users.csv"),
    ("employee", "users.csv"),
    ("account", "companies.csv"),
    ("compan", "companies.csv"),
    ("organi", "companies.csv"),
    ("customer", "companies.csv"),
    ("opportunit", "opportunities.csv"),
    ("deal", "opportunities.csv"),
    ("pipeline", "opportunities.csv"),
    ("meeting", "activities.csv"),
    ("call", "activities.csv"),
    ("task", "activities.csv"),
    ("event", "activities.csv"),
    ("engagement", "activities.csv"),
    ("activit", "activities.csv"),
)

# kpidesk column -> header names that mean it (compared lower-case, without _ - and spaces).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "recordid", "rowid", "uuid", "key"),
    "login": ("username", "login", "userlogin", "alias"),
    "name": (
        "fullname",
        "name",
        "accountname",
        "companyname",
        "organizationname",
        "opportunityname",
        "dealname",
        "title",
    ),
    "email": ("email", "emailaddress", "email1", "primaryemail", "mail"),
    "active": ("active", "isactive", "status", "userstatus"),
    "role": ("role", "isadmin", "admin"),
    "profile": ("profile", "team", "department", "role"),
    "is_customer": ("iscustomer", "customer", "type", "accounttype", "lifecyclestage"),
    "key_account_manager": (
        "assigneduserid",
        "ownerid",
        "accountowner",
        "companyowner",
        "assigneduser",
        "owner",
        "assigneduserName",
    ),
    "type": ("type", "activitytype", "eventtype", "tasksubtype"),
    "status": ("status", "done", "activitystatus", "completed"),
    "start_at": (
        "datestart",
        "startdate",
        "startdatetime",
        "activitydate",
        "duedate",
        "date",
        "timestamp",
        "startat",
    ),
    "end_at": ("dateend", "enddate", "enddatetime", "endat"),
    "company_id": (
        "parentid",
        "accountid",
        "companyid",
        "organizationid",
        "orgid",
        "whatid",
        "associatedcompanyid",
        "accountname",
        "company",
    ),
    "owner": (
        "assigneduserid",
        "ownerid",
        "userid",
        "assigneduser",
        "owner",
        "salesagent",
        "dealowner",
        "assignedto",
    ),
    "activity_id": ("activityid", "meetingid", "callid", "eventid", "id"),
    "amount": ("amount", "opportunityamount", "dealvalue", "value", "closevalue"),
    "stage": ("salesstage", "stage", "dealstage", "stagename", "status"),
    "created_at": (
        "datecreated",
        "createddate",
        "createdate",
        "dealcreated",
        "addtime",
        "engagedate",
        "createdat",
    ),
    "expected_close": ("closedate", "expectedclosedate", "dateclosed", "expectedclose"),
    "closed_at": ("closetime", "wontime", "closedat", "actualclosedate"),
}
_SYNONYMS["login"] = (*_SYNONYMS["login"],)

# Values whose kpidesk meaning is obvious.
_OBVIOUS: dict[str, dict[str, str]] = {
    "status": {
        "held": "done",
        "completed": "done",
        "done": "done",
        "planned": "planned",
        "not started": "planned",
        "in progress": "planned",
        "open": "planned",
        "scheduled": "planned",
        "not held": "cancelled",
        "cancelled": "cancelled",
        "canceled": "cancelled",
        "deferred": "cancelled",
        "1": "done",
        "0": "planned",
        "true": "done",
        "false": "planned",
    },
    "stage": {
        "closed won": "won",
        "won": "won",
        "closedwon": "won",
        "closed lost": "lost",
        "lost": "lost",
        "closedlost": "lost",
    },
    "is_customer": {
        "customer": "true",
        "prospect": "false",
        "partner": "false",
        "competitor": "false",
    },
    "active": {
        "active": "true",
        "inactive": "false",
        "true": "true",
        "false": "false",
        "1": "true",
        "0": "false",
    },
}
_MAPPED_KINDS = {"status", "stage", "is_customer", "active", "role"}

_DATE_PATTERNS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d",
    "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y",
)  # fmt: skip


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).lower()


@dataclass
class _Column:
    values: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)


@dataclass
class _File:
    path: Path
    entity: str | None
    header: list[str]
    columns: dict[str, _Column]
    rows: int


def _entity_of(name: str) -> str | None:
    lowered = name.lower()
    for word, entity in _FILE_WORDS:
        if word in lowered:
            return entity
    return None


def _read(path: Path) -> _File | str:
    """The file's header and values, or why it cannot be read (said in the draft)."""
    source, problem = detect_encoding(path)
    if source is None:
        assert problem is not None
        return f"{path.name}:{problem[0]}: {problem[1]}"
    with path.open(encoding=source.codec, newline="") as handle:
        delimiter = sniff_delimiter(handle.readline())
    rows = numbered_rows(source, delimiter)
    try:
        first = next(rows, None)
        if first is None:
            return f"{path.name}: the file is empty"
        header = [name.strip() for name in first[1]]
        columns = {name: _Column() for name in header}
        count = 0
        for _line, values in rows:
            count += 1
            if count > SAMPLE_ROWS:
                break
            for name, value in zip(header, values, strict=False):
                text = value.strip()
                if not text:
                    continue
                column = columns[name]
                if len(column.values) < 1000 or text in column.values:
                    column.values[text] += 1
                if len(column.samples) < 200:
                    column.samples.append(text)
    except csv.Error as exc:
        return f"{path.name}: malformed CSV: {exc}"
    return _File(path, _entity_of(path.stem), header, columns, count)


def _match(fld: Field, header: Iterable[str], taken: set[str]) -> str | None:
    by_norm = {_norm(name): name for name in header if name not in taken}
    for synonym in _SYNONYMS.get(fld.name, ()):
        if _norm(synonym) in by_norm:
            return by_norm[_norm(synonym)]
    return None


def _reads(sample: str, pattern: str) -> bool:
    try:
        dt.datetime.strptime(sample, pattern)
    except ValueError:
        return False
    return True


def _date_format(samples: list[str]) -> tuple[list[str], bool]:
    """Patterns that together read every sample (in the order tried), and whether day-first
    would read them as well as month-first (then a person must say which)."""
    found: list[str] = []
    for sample in samples:
        if any(_reads(sample, pattern) for pattern in found):
            continue
        pattern = next((p for p in _DATE_PATTERNS if _reads(sample, p)), None)
        if pattern is None:
            return [], False
        found.append(pattern)
    month_first = [p for p in found if "%m/%d" in p]
    ambiguous = bool(month_first) and all(
        any(_reads(sample, p.replace("%m/%d", "%d/%m")) for p in month_first)
        for sample in samples
        if any(_reads(sample, p) for p in month_first)
    )
    return found, ambiguous


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft_mapping(directory: Path) -> str:
    """A starting mapping for the CSV files in `directory`, as TOML text with comments."""
    if not directory.is_dir():
        raise ImportFailed([f"{directory}: not a folder"])
    files: list[_File] = []
    not_read: list[str] = []  # folders, links out of DIR, unreadable files: named, never skipped
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in (".csv", ".txt"):
            continue
        reason = not_readable(path, directory)
        if reason is None and not path.is_file():
            reason = f"{path.name} is not a regular file"
        read = _read(path) if reason is None else reason
        if isinstance(read, str):
            not_read.append(read)
        else:
            files.append(read)
    if not files:
        raise ImportFailed(
            [f"{directory}: no CSV files found"] + [f"{directory}: {why}" for why in not_read]
        )
    out = [
        f"# kpidesk mapping drafted by `kpidesk mapping init` from {len(files)} file(s).",
        "# Check every line marked TODO, then: kpidesk import-crm DIR --mapping THIS.toml --check",
        *[f"{NOT_READ}{why}" for why in not_read],
        "",
        "[mapping]",
        f'name = "{directory.name}"',
        'timezone = "local"  # TODO: naive times are "local", "UTC" or e.g. "Europe/Copenhagen"',
        "# [mapping.number]  # TODO if amounts are written with thousands separators:",
        '# decimal = "."',
        '# thousands = ","',
        '# currency = ["$", "USD"]',
    ]
    unused = [read for read in files if read.entity is None]
    known = sorted(
        (read for read in files if read.entity is not None),
        key=lambda read: (FILE_NAMES.index(read.entity or ""), read.path.name),
    )
    for read in known:
        assert read.entity is not None
        out += ["", *_source_lines(read, ENTITIES[read.entity])]
    if not any(read.entity == "activity_participants.csv" for read in known):
        for read in known:
            if read.entity == "activities.csv":
                out += ["", *_participants_lines(read)]
    for read in unused:
        out += [
            "",
            f"# {read.path.name} ({read.rows} rows): which kpidesk file is it? Columns:",
            f"#   {', '.join(read.header)}",
        ]
    return "\n".join(out) + "\n"


def _source_lines(read: _File, entity: Entity) -> list[str]:
    key = entity.name.removesuffix(".csv")
    lines = [
        f"# {read.path.name}: {read.rows} rows; columns: {', '.join(read.header)}",
        f"[[{key}]]",
        f"file = {_quote(read.path.name)}",
        *_skip_lines(read),
        f"[{key}.columns]",
    ]
    taken: set[str] = set()
    later: list[list[str]] = []
    for fld in entity.fields:
        column = _match(fld, read.header, taken)
        if fld.name == "type" and entity.name == "activities.csv" and column is None:
            word = read.path.stem.rstrip("s").replace("_", " ").title()
            lines.append(f"type = {{ value = {_quote(word)} }}  # TODO: the activity type")
            continue
        if fld.name == "login" and column is None:
            source = _match(entity.get("email"), read.header, taken) or _match(
                entity.get("name"), read.header, taken
            )
            if source is not None:
                lines.append(
                    f"login = {{ column = {_quote(source)}, login = true }}"
                    "  # derived: lower-case ASCII; TODO: other files must name users the same way"
                )
                continue
        if column is None:
            if fld.column_required and fld.default_from is None:
                lines.append(f'# {fld.name} = "?"  # TODO: required: which column (or value)?')
            elif fld.name == "closed_at" and entity.name == "opportunities.csv":
                lines.append(
                    '# closed_at = "?"  # TODO: won and lost deals need when they closed '
                    "(e.g. the close date column)"
                )
            continue
        taken.add(column)
        stats = read.columns[column]
        if fld.kind.name in ("date", "datetime"):
            formats, ambiguous = _date_format(stats.samples)
            shown = ", ".join(_quote(p) for p in formats) or '"?"'
            note = "  # TODO: day or month first? both read every value" if ambiguous else ""
            if not formats:
                note = "  # TODO: no known format reads every value"
            example = f"  # e.g. {stats.samples[0]!r}" if stats.samples and not note else ""
            lines.append(
                f"{fld.name} = {{ column = {_quote(column)}, formats = [{shown}] }}{note}{example}"
            )
            continue
        if fld.name in _MAPPED_KINDS or fld.kind.name in ("choice", "boolean"):
            later.append(_map_lines(key, fld, column, stats))
            continue
        note = ""
        if fld.kind.name == "amount":
            note = _amount_note(stats.samples)
        lines.append(f"{fld.name} = {_quote(column)}{note}")
    for block in later:
        lines += block
    return lines


def _skip_lines(read: _File) -> list[str]:
    """Rows flagged deleted are left out (the import counts them in its report)."""
    for name in read.header:
        if _norm(name) in _DELETED:
            found = [value for value in read.columns[name].values if value.lower() in _TRUE_TEXTS]
            values = ", ".join(_quote(value) for value in sorted(found) or ["1", "true"])
            return [
                f"skip = [{{ column = {_quote(name)}, values = [{values}] }}]"
                "  # TODO: rows flagged deleted are left out; remove if they count"
            ]
    return []


def _amount_note(samples: list[str]) -> str:
    for sample in samples:
        try:
            parse_amount(sample)
        except ValueError as exc:
            return f"  # TODO: {exc}"
    return ""


def _participants_lines(read: _File) -> list[str]:
    """No participants file: the activity's owner takes part (SuiteCRM tasks, most CRMs)."""
    activity = ENTITIES["activities.csv"]
    key = _match(activity.get("id"), read.header, set())
    owner = _match(activity.get("owner"), read.header, set())
    if key is None or owner is None:
        return []
    return [
        f"# No participants file: the owner of each row of {read.path.name} takes part.",
        "[[activity_participants]]",
        f"file = {_quote(read.path.name)}",
        "[activity_participants.columns]",
        f"activity_id = {_quote(key)}",
        f"login = {_quote(owner)}",
    ]


def _map_lines(key: str, fld: Field, column: str, stats: _Column) -> list[str]:
    obvious = _OBVIOUS.get(fld.name, {})
    values = stats.values.most_common(MAX_DISTINCT)
    more = len(stats.values) - len(values)
    pairs = []
    for value, _count in values:
        target = obvious.get(value.lower(), "?")
        pairs.append(f"{_quote(value)} = {_quote(target)}")
    accepted = {
        "status": "planned, done, cancelled",
        "stage": "open, won, lost",
        "role": "admin, user",
    }.get(fld.name, "true, false")
    found = ", ".join(f"{value} ({count})" for value, count in values)
    return [
        f"[{key}.columns.{fld.name}]",
        f"column = {_quote(column)}",
        f"# values found: {found}" + (f" and {more} more" if more else ""),
        f'# TODO: kpidesk accepts {accepted}; replace every "?" ("*" = any other value)',
        f"map = {{ {', '.join(pairs)} }}",
    ]
