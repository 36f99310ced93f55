"""Checks across rows and files, set-based on the stage tables: duplicate keys, references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, and_, exists, func, select
from sqlalchemy.engine import Connection

from kpidesk.data.crm_import.entities import (
    ACTIVITIES,
    COMPANIES,
    OPPORTUNITIES,
    PARTICIPANTS,
    STAGE_ACTIVITIES,
    STAGE_COMPANIES,
    STAGE_USERS,
    USERS,
    FileSpec,
    Staged,
)
from kpidesk.data.crm_import.report import Errors
from kpidesk.data.models import Activity, Company, User


def _key_columns(stage: Table, spec: FileSpec) -> list[Column[Any]]:
    return [stage.c[name] for name in spec.key]


def check_duplicates(conn: Connection, staged: dict[str, Staged], errors: Errors) -> None:
    """A key twice in one file: every repetition is an error naming the first line."""
    for item in staged.values():
        keys = _key_columns(item.spec.stage, item.spec)
        dupes = select(*keys).group_by(*keys).having(func.count() > 1).subquery("dupes")
        stage = item.spec.stage
        query = (
            select(stage.c.line, *keys)
            .join(dupes, and_(*[stage.c[k.name] == dupes.c[k.name] for k in keys]))
            .order_by(*keys, stage.c.line)
        )
        first_line: dict[tuple[Any, ...], int] = {}
        for line, *key in conn.execute(query):
            key_tuple = tuple(key)
            if key_tuple not in first_line:
                first_line[key_tuple] = line
                continue
            shown = "/".join(str(k) for k in key_tuple)
            first = first_line[key_tuple]
            errors.add(
                item.spec,
                line,
                item.spec.key[-1] if len(key_tuple) > 1 else item.spec.key[0],
                f"duplicate {'+'.join(item.spec.key)} {shown} (first on line {first})",
            )


@dataclass(frozen=True)
class _Reference:
    file: str
    column: str
    target_file: str
    what: str


REFERENCES = (
    _Reference(COMPANIES, "key_account_manager", USERS, "user"),
    _Reference(ACTIVITIES, "company_id", COMPANIES, "company"),
    _Reference(ACTIVITIES, "owner", USERS, "user"),
    _Reference(PARTICIPANTS, "activity_id", ACTIVITIES, "activity"),
    _Reference(PARTICIPANTS, "login", USERS, "user"),
    _Reference(OPPORTUNITIES, "company_id", COMPANIES, "company"),
    _Reference(OPPORTUNITIES, "owner", USERS, "user"),
)

# Where a referenced key is stored: the real table's key column and the stage's.
_TARGET_KEYS: dict[str, tuple[ColumnElement[Any], ColumnElement[Any]]] = {
    USERS: (User.__table__.c.login, STAGE_USERS.c.login),
    COMPANIES: (Company.__table__.c.id, STAGE_COMPANIES.c.id),
    ACTIVITIES: (Activity.__table__.c.id, STAGE_ACTIVITIES.c.id),
}


def check_references(conn: Connection, staged: dict[str, Staged], errors: Errors) -> None:
    """Every login, company and activity referred to must be in the export or the database."""
    for ref in REFERENCES:
        item = staged.get(ref.file)
        if item is None or ref.column not in item.present:
            continue
        stage = item.spec.stage
        value = stage.c[ref.column]
        stored, in_export = _TARGET_KEYS[ref.target_file]
        query = (
            select(stage.c.line, value)
            .where(
                value.is_not(None),
                ~exists().where(stored == value),
                ~exists().where(in_export == value),
            )
            .order_by(stage.c.line)
        )
        for line, missing in conn.execute(query):
            errors.add(
                item.spec,
                line,
                ref.column,
                f"unknown {ref.what} {missing!r} "
                f"(neither in {ref.target_file} nor in the database)",
            )
