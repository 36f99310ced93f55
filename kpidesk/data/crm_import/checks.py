"""Checks across rows and files, set-based on the stage tables: duplicate keys, references."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.engine import Connection

from kpidesk.data.crm_import.entities import ACTIVITIES, ENTITIES, OPPORTUNITIES, USERS, Staged
from kpidesk.data.crm_import.report import Errors


def check_duplicates(conn: Connection, staged: dict[str, Staged], errors: Errors) -> None:
    """A key twice in one file: every repetition is an error naming the first line."""
    for item in staged.values():
        entity, stage = item.entity, item.entity.stage
        for names in (entity.key, *entity.unique):
            if not all(name in item.present for name in names):
                continue  # users without ids: their key is the login, checked as such
            keys = [stage.c[name] for name in names]
            dupes = select(*keys).group_by(*keys).having(func.count() > 1).subquery("dupes")
            query = (
                select(stage.c.line, stage.c.src, *keys)
                .join(dupes, and_(*[stage.c[k.name] == dupes.c[k.name] for k in keys]))
                .order_by(*keys, stage.c.src, stage.c.line)
            )
            first_line: dict[tuple[Any, ...], tuple[int, int]] = {}
            for line, src, *key in conn.execute(query):
                key_tuple = tuple(key)
                if key_tuple not in first_line:
                    first_line[key_tuple] = (line, src)
                    continue
                shown = "/".join(str(k) for k in key_tuple)
                first, first_src = first_line[key_tuple]
                where = "" if first_src == src else f" of {item.places[first_src].label}"
                word = "row" if item.places[first_src].query else "line"
                errors.add(
                    item.places[src],
                    line,
                    names[-1],
                    f"duplicate {'+'.join(names)} {shown} (first on {word} {first}{where})",
                )


def check_references(conn: Connection, staged: dict[str, Staged], errors: Errors) -> None:
    """Every user, company and activity referred to must be in the export or the database."""
    for item in staged.values():
        stage = item.entity.stage
        for fld in item.entity.references():
            if fld.refers_to == "profiles" or fld.name not in item.present:
                continue  # profiles are created as needed
            assert fld.refers_to is not None
            target = ENTITIES[fld.refers_to]
            value = stage.c[fld.name]
            stored = target.table.c.crm_key
            in_export = target.stage.c[target.key[0]]
            query = (
                select(stage.c.line, stage.c.src, value)
                .where(
                    value.is_not(None),
                    ~exists().where(stored == value),
                    ~exists().where(in_export == value),
                )
                .order_by(stage.c.line)
            )
            what = {"users.csv": "user", "companies.csv": "company"}.get(target.name, "activity")
            for line, src, missing in conn.execute(query):
                errors.add(
                    item.places[src],
                    line,
                    fld.name,
                    f"unknown {what} {missing!r} (neither in {target.name} nor in the database)",
                )


def check_logins(conn: Connection, staged: dict[str, Staged], errors: Errors) -> None:
    """A login in the file that belongs to another CRM user in the database.

    A user created in kpidesk (its key is its login) is taken over by the CRM's user with
    that login instead (see merge); only a user with another CRM key is a conflict.
    """
    item = staged.get(USERS)
    if item is None:
        return
    users, stage = ENTITIES[USERS].table, ENTITIES[USERS].stage
    other_users, other_rows = users.alias("other_users"), stage.alias("other_rows")
    taken_over = and_(
        users.c.crm_key == users.c.login,
        ~exists().where(other_rows.c.id == users.c.crm_key),
        ~exists().where(other_users.c.crm_key == stage.c.id),
    )
    query = (
        select(stage.c.line, stage.c.src, stage.c.login, users.c.crm_key)
        .join(users, users.c.login == stage.c.login)
        .where(users.c.crm_key != stage.c.id, ~taken_over)
        .order_by(stage.c.src, stage.c.line)
    )
    for line, src, login, key in conn.execute(query):
        errors.add(
            item.places[src],
            line,
            "login",
            f"login {login!r} belongs to another user in the database (CRM key {key!r})",
        )


# --- records closed before they were created (issue 9) --------------------------------------

BACKDATED_SHOWN = 5  # lines named in the warning; the rest are counted

# File, when it was created, when it was closed (done or cancelled).
_BACKDATED = (
    (ACTIVITIES, "created_at", "completed_at"),
    (OPPORTUNITIES, "created_at", "closed_at"),
)


def closed_before_created(conn: Connection, staged: dict[str, Staged], tz: ZoneInfo) -> list[str]:
    """Warn about rows closed before they were created, and count them as created when closed.

    Real CRMs hold such rows (back-dated deals, demo data). Their history is only consistent
    one way: the record existed from the earlier of the two moments. The staged rows are
    corrected before the merge, so the stored `created_at` is that earlier moment.
    """
    warnings: list[str] = []
    for name, created_name, closed_name in _BACKDATED:
        item = staged.get(name)
        if item is None or not {created_name, closed_name} <= item.present:
            continue
        stage = item.entity.stage
        created, closed = stage.c[created_name], stage.c[closed_name]
        backdated = and_(closed.is_not(None), created.is_not(None), closed < created)
        count = int(conn.scalar(select(func.count()).select_from(stage).where(backdated)) or 0)
        if not count:
            continue
        first = conn.execute(
            select(stage.c.line, stage.c.src, created, closed)
            .where(backdated)
            .order_by(stage.c.src, stage.c.line)
            .limit(BACKDATED_SHOWN)
        ).all()
        more = f" (first {len(first)} shown)" if count > len(first) else ""
        warnings.append(
            f"warning: {name}: {count} row{'s' if count != 1 else ''} with {closed_name} before "
            f"{created_name}, counted as created at {closed_name}{more}:"
        )
        warnings += [
            f"  {item.places[src].at(line)}: {closed_name} {_local(when, tz)} is before "
            f"{created_name} {_local(made, tz)}"
            for line, src, made, when in first
        ]
        conn.execute(update(stage).where(backdated).values({created_name: closed}))
    return warnings


def _local(value: Any, tz: ZoneInfo) -> str:
    """A staged date-time as the user wrote it: local time in the installation's zone."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return str(value.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
