"""Installation settings, kept in the database so every desktop on it agrees."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

# SQLAlchemy and the models load on first use: the command line's set-up lists SPECS, and
# `kpidesk --version` must start without them.


class SettingError(ValueError):
    """An unknown setting or an invalid value; the message is one line for the user."""


def _timezone(value: str) -> str:
    value = value.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingError(f"unknown time zone {value!r} (e.g. Europe/Copenhagen)") from exc
    if value not in available_timezones():
        raise SettingError(f"unknown time zone {value!r} (e.g. Europe/Copenhagen)")
    return value


def _time_of_day(value: str) -> str:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SettingError(f"invalid time {value!r}: use HH:MM, e.g. 02:00")
    return f"{int(match[1]):02d}:{match[2]}"


def _currency(value: str) -> str:
    value = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise SettingError(f"invalid currency {value!r}: use an ISO 4217 code, e.g. DKK")
    return value


def _positive_int(maximum: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.strip().isdigit() or not 0 <= int(value) <= maximum:
            raise SettingError(f"invalid number {value!r}: use a whole number 0–{maximum}")
        return str(int(value))

    return check


SOURCE_KINDS = ("none", "folder", "sql")


def _source_kind(value: str) -> str:
    value = value.strip().lower()
    if value not in SOURCE_KINDS:
        raise SettingError(f"unknown data source {value!r}: use {' or '.join(SOURCE_KINDS)}")
    return value


def _seconds(minimum: int, maximum: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.strip().isdigit() or not minimum <= int(value) <= maximum:
            raise SettingError(f"invalid number {value!r}: use whole seconds {minimum}–{maximum}")
        return str(int(value))

    return check


def _text(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        if len(value) > limit or "\n" in value:
            raise SettingError(f"invalid value: one line of at most {limit} characters")
        return value

    return check


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    help: str
    validate: Callable[[str], str]


SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "timezone", "Europe/Copenhagen", "time zone that decides what a day is", _timezone
        ),
        SettingSpec(
            "nightly_run_time", "02:00", "time of the nightly KPI run (HH:MM)", _time_of_day
        ),
        SettingSpec("currency", "DKK", "currency of amounts (ISO 4217)", _currency),
        SettingSpec(
            "catchup_days",
            "31",
            "most missed nights filled in when the app starts",
            _positive_int(366),
        ),  # fmt: skip
        # The data source the nightly run imports from first (`kpidesk source set`).
        SettingSpec("source_kind", "none", "where the nightly run gets CRM data", _source_kind),
        SettingSpec(
            "source_path",
            "",
            "folder the CRM's export is written to, or the CRM database's URL (no password)",
            _text(1000),
        ),  # fmt: skip
        SettingSpec(
            "source_mapping",
            "kpidesk",
            "mapping of the source's export (preset or file)",
            _text(1000),
        ),  # fmt: skip
        SettingSpec(
            "source_marker", "", "file that says the export is complete (empty: none)", _text(200)
        ),  # fmt: skip
        SettingSpec(
            "source_settle_seconds",
            "60",
            "seconds an export's files must stay unchanged before it is imported",
            _positive_int(3600),
        ),  # fmt: skip
        SettingSpec(
            "source_timeout_seconds",
            "300",
            "time-out of each query of a sql data source, in seconds",
            _seconds(1, 86400),
        ),  # fmt: skip
    )
}


def validate(key: str, value: str) -> str:
    spec = SPECS.get(key)
    if spec is None:
        raise SettingError(f"unknown setting {key!r}; known: {', '.join(sorted(SPECS))}")
    return spec.validate(value)


def get(session: Session | Connection, key: str) -> str:
    """A setting's stored value, or its default; read in the caller's transaction (an ORM
    session or a Core connection alike)."""
    if key not in SPECS:
        raise SettingError(f"unknown setting {key!r}; known: {', '.join(sorted(SPECS))}")
    from sqlalchemy import select

    from kpidesk.data.models import Setting

    stored = session.scalar(select(Setting.value).where(Setting.key == key))
    return stored if stored is not None else SPECS[key].default


def get_all(session: Session) -> dict[str, str]:
    from sqlalchemy import select

    from kpidesk.data.models import Setting

    stored = {key: value for key, value in session.execute(select(Setting.key, Setting.value))}
    return {key: stored.get(key, spec.default) for key, spec in SPECS.items()}


def set_value(session: Session, key: str, value: str) -> str:
    clean = validate(key, value)
    from kpidesk.data.models import Setting

    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=clean))
    else:
        row.value = clean
    return clean


def timezone(session: Session | Connection) -> ZoneInfo:
    """The installation's time zone: the one reader of the `timezone` setting (the engine
    reads it on its run's connection, the services in their sessions)."""
    return ZoneInfo(get(session, "timezone"))


def nightly_run_time(session: Session) -> dt.time:
    hours, minutes = get(session, "nightly_run_time").split(":")
    return dt.time(int(hours), int(minutes))
