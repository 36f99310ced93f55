"""The one stored form of timestamps on SQLite, used by every write path.

SQLite has no date-time type: columns hold text and comparisons are text comparisons, so
two spellings of one instant (`…23:00:00` and `…23:00:00.000000`) sort apart and move every
half-open window edge. kpidesk therefore stores exactly one form, written by `to_stored`
and enforced by a CHECK constraint per column (`sqlite_canonical_check`):

- date-times: `YYYY-MM-DD HH:MM:SS.ffffff`, naive UTC (what SQLAlchemy's SQLite type writes);
- dates: `YYYY-MM-DD`.

Fixed-width, zero-padded fields make text order the same as time order.
"""

from __future__ import annotations

import datetime as dt
import re

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_D = "[0-9]"
DATETIME_GLOB = f"{_D * 4}-{_D * 2}-{_D * 2} {_D * 2}:{_D * 2}:{_D * 2}.{_D * 6}"
DATE_GLOB = f"{_D * 4}-{_D * 2}-{_D * 2}"


def to_stored(value: dt.datetime | dt.date | None) -> str | None:
    """The canonical text of a value: a date-time as naive UTC with microseconds, a date as
    `YYYY-MM-DD`. Aware date-times are converted to UTC; a naive one must already be UTC
    (only migrations and stored values hand those in)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
        )
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    raise TypeError(f"not a date or date-time: {value!r}")


def utc_to_stored(value: dt.datetime) -> str:
    """`to_stored` of an aware date-time already in UTC, for bulk loads (the same text,
    made by the C isoformat: `…HH:MM:SS` gets its `.000000`)."""
    text = value.replace(tzinfo=None).isoformat(" ")
    return text if len(text) == 26 else text + ".000000"


def from_stored(text: str) -> dt.datetime | dt.date:
    """Parse a stored text of either form (or another ISO spelling, for repairs)."""
    if DATE_PATTERN.fullmatch(text):
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text)


def sqlite_canonical_check(column: str, *, date_only: bool = False) -> str:
    """A CHECK expression that only lets NULL or the canonical text into `column`."""
    glob = DATE_GLOB if date_only else DATETIME_GLOB
    return f"{column} IS NULL OR (typeof({column}) = 'text' AND {column} GLOB '{glob}')"


def check_name(table: str, column: str) -> str:
    """The constraint's full name: `ck_<table>_<column>_canonical`."""
    return f"ck_{table}_{column}_canonical"
