"""Installation settings live in the database and are validated."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kpidesk.data import settings
from kpidesk.data.db import Database


def test_defaults(db: Database) -> None:
    with db.session() as s:
        assert settings.get_all(s) == {
            "timezone": "Europe/Copenhagen",
            "nightly_run_time": "02:00",
            "currency": "DKK",
            "catchup_days": "31",
            "source_kind": "none",
            "source_path": "",
            "source_mapping": "kpidesk",
            "source_marker": "",
            "source_settle_seconds": "60",
            "source_timeout_seconds": "300",
        }
        assert settings.timezone(s) == ZoneInfo("Europe/Copenhagen")
        assert settings.nightly_run_time(s) == dt.time(2, 0)


def test_set_is_stored_normalised_and_shared(db: Database) -> None:
    with db.session(write=True) as s:
        assert settings.set_value(s, "nightly_run_time", "3:05") == "03:05"
        assert settings.set_value(s, "currency", "eur") == "EUR"
        settings.set_value(s, "timezone", "America/New_York")
    other = Database(db.url)  # another desktop on the same database
    with other.session() as s:
        assert settings.nightly_run_time(s) == dt.time(3, 5)
        assert settings.get(s, "currency") == "EUR"
        assert settings.timezone(s) == ZoneInfo("America/New_York")
    other.dispose()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "unknown time zone"),
        ("timezone", "../etc/passwd", "unknown time zone"),
        ("nightly_run_time", "25:00", "invalid time"),
        ("nightly_run_time", "two", "invalid time"),
        ("currency", "kroner", "invalid currency"),
        ("catchup_days", "-1", "invalid number"),
        ("colour", "blue", "unknown setting"),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(
    db: Database, key: str, value: str, message: str
) -> None:
    with pytest.raises(settings.SettingError, match=message), db.session(write=True) as s:
        settings.set_value(s, key, value)
    with db.session() as s:
        assert settings.get_all(s)["timezone"] == "Europe/Copenhagen"
