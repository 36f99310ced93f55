"""Installation settings as the GUI and the command line read and change them.

The time zone and "today" live here for everyone above the engine: `timezone(db)` reads the
`timezone` setting through `data.settings.timezone` (its one reader) and `today(db, clock)`
applies `domain.clock.local_today`, so every window, command and service agrees on the date.
Changing a setting (`kpidesk config set`) is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kpidesk.data import settings as stored
from kpidesk.data.settings import SPECS, SettingError, SettingSpec
from kpidesk.domain.clock import Clock, local_today, system_clock
from kpidesk.services.caller import Caller, checked

if TYPE_CHECKING:
    from kpidesk.data.db import Database

# Light to import (no SQLAlchemy until a function runs): the command line's parser lists SPECS.

__all__ = [
    "SPECS",
    "SettingError",
    "SettingSpec",
    "currency",
    "get",
    "get_all",
    "set_value",
    "timezone",
    "today",
]


def timezone(db: Database) -> ZoneInfo:
    """The time zone that decides what "today" and "i nat" mean for this installation (not
    personal: every window may read it, also before anyone logs in)."""
    with db.session() as session:
        return stored.timezone(session)


def today(db: Database, clock: Clock = system_clock) -> dt.date:
    """Today in the installation's time zone: the date a run started now would compute."""
    return local_today(clock(), timezone(db))


def currency(db: Database) -> str:
    """The installation's currency code (ISO 4217; not personal: every window may read it)."""
    with db.session() as session:
        return stored.get(session, "currency")


@checked
def get(db: Database, caller: Caller, key: str) -> str:
    """One setting's value (its default when never set); SettingError for an unknown key."""
    caller.require_admin()
    with db.session() as session:
        return stored.get(session, key)


@checked
def get_all(db: Database, caller: Caller) -> dict[str, str]:
    """Every setting with its value, in `SPECS` order."""
    caller.require_admin()
    with db.session() as session:
        return stored.get_all(session)


@checked
def set_value(db: Database, caller: Caller, key: str, value: str) -> str:
    """Validate and store a setting, audited with the caller; returns the value as stored.

    SettingError (one line) for an unknown key or an invalid value: nothing is written.
    """
    from kpidesk.services import audit

    caller.require_admin()
    with db.session(write=True) as session:
        old = stored.get(session, key)
        clean = stored.set_value(session, key, value)
        audit.record(session, actor=caller.login, action="update", entity="setting", key=key,
                     details={"old": old, "new": clean})  # fmt: skip
    return clean
