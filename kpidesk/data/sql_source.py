"""The `sql` data source: the CRM's own database, read with one SELECT per kpidesk entity.

The queries come from the mapping (`query = "SELECT …"` per `[[users]]`, `[[activities]]` …
table); their rows go through the same mapping, value maps, parsing, checks and all-or-nothing
merge as a CSV export's (`crm_import.import_feeds`). Errors name the query and the row.

The CRM database is only ever read: the session is made read-only before the first query
(PostgreSQL: `SET SESSION CHARACTERISTICS AS TRANSACTION … READ ONLY`; MySQL/MariaDB:
`SET SESSION TRANSACTION READ ONLY`; SQLite: `PRAGMA query_only`), every query has a
statement time-out (PostgreSQL `statement_timeout`, MariaDB `max_statement_time`, MySQL
`max_execution_time`, SQLite a progress handler), and connecting has a time-out of its own.
All queries run in one repeatable-read transaction, so they see one consistent state of the
CRM (a meeting booked between two queries cannot leave a participant without its meeting).
A read-only database user is still the first line of defence (README, "Nightly runs").

The password: the URL is stored without it (`source_path`); the password is kept in the
settings table under its own key that `kpidesk config` neither lists nor sets, or comes from
the environment variable KPIDESK_SOURCE_PASSWORD (the scheduler's root-only env file), which
wins when set. It never appears in a message, a log line or the run log: every text that
could hold it goes through `mask`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from kpidesk.data.crm_import import ENTITIES, FILE_NAMES, ImportFailed, ImportProgress, ImportReport
from kpidesk.data.crm_import.mapping import Mapping, Source
from kpidesk.data.crm_import.report import Errors, Place
from kpidesk.data.crm_import.run import Feed, Rows, import_feeds
from kpidesk.data.db import Database, read_url
from kpidesk.data.models import Setting

PASSWORD_KEY = "source_password"  # settings row; not a SettingSpec, so `config` never shows it
PASSWORD_ENV = "KPIDESK_SOURCE_PASSWORD"
# The URL's password written as this: only the environment gives it (kept as the stored value)
FROM_ENVIRONMENT = "${" + PASSWORD_ENV + "}"
MASK = "***"
CONNECT_TIMEOUT = 15  # seconds; at most the statement time-out
DEFAULT_TIMEOUT = 300  # seconds per query, reading its rows included
FETCH_ROWS = 2_000

# People write `postgresql://` and `mysql://`; kpidesk ships psycopg 3 and PyMySQL.
_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}
_PASSWORD_IN_TEXT = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@/\s]*@", re.I)


class SqlSourceError(Exception):
    """The CRM database cannot be read now; the message is one line, without credentials."""


def mask(text: str, password: str | None = None) -> str:
    """A text with any URL's password, and the password itself, replaced by ***."""
    masked = _PASSWORD_IN_TEXT.sub(lambda m: f"{m['head']}{MASK}@", text)
    if password:
        masked = masked.replace(password, MASK)
    return masked


# -- the URL and its password ---------------------------------------------------------------


def parse_url(url: str) -> URL:
    """The URL with kpidesk's drivers filled in; SqlSourceError for one that cannot be read."""
    try:
        parsed = read_url(url.strip())
    except ValueError as exc:
        raise SqlSourceError(
            f"invalid database URL {mask(url)!r}: {mask(str(exc))}; write e.g. "
            "mysql+pymysql://USER@HOST:3306/DATABASE or postgresql://USER@HOST:5432/DATABASE"
        ) from None
    driver = _DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def without_password(url: URL) -> str:
    """The URL as stored in the settings and shown: no password in it at all."""
    return url._replace(password=None).render_as_string(hide_password=False)  # set() keeps it


def shown(url: str, has_password: bool) -> str:
    """The stored URL as an administrator sees it: `user:***@host` when a password is used."""
    parsed = parse_url(url)
    if has_password and parsed.username:
        return parsed.set(password=MASK).render_as_string(hide_password=True)  # "***" as is
    return without_password(parsed)


def stored_password(session: Session) -> str:
    return session.scalar(select(Setting.value).where(Setting.key == PASSWORD_KEY)) or ""


def store_password(session: Session, password: str) -> None:
    """Keep (or with "" remove) the CRM password in the settings table."""
    row = session.get(Setting, PASSWORD_KEY)
    if not password:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(Setting(key=PASSWORD_KEY, value=password))
    else:
        row.value = password


def password_origin(stored: str) -> str:
    """Where the password comes from: "environment", "database" or "none"."""
    if stored == FROM_ENVIRONMENT or os.environ.get(PASSWORD_ENV):
        return "environment"
    return "database" if stored else "none"


def effective_password(stored: str) -> str:
    from_environment = os.environ.get(PASSWORD_ENV, "")
    if from_environment or stored == FROM_ENVIRONMENT:
        return from_environment
    return stored


def missing_here(stored: str) -> bool:
    """The password is to come from the environment, and this process has none."""
    return stored == FROM_ENVIRONMENT and not os.environ.get(PASSWORD_ENV)


# -- connecting -------------------------------------------------------------------------------


def _connect_args(url: URL, timeout: int) -> dict[str, Any]:
    backend = url.get_backend_name()
    seconds = max(1, min(CONNECT_TIMEOUT, timeout))
    if backend in ("postgresql", "mysql", "mariadb"):
        return {"connect_timeout": seconds}  # psycopg, psycopg2, PyMySQL, mysqlclient
    if backend == "mssql" and url.get_driver_name() == "pyodbc":
        return {"timeout": seconds}  # pyodbc's login time-out
    return {}


def make_engine(url: str, password: str, timeout: int) -> Engine:
    """An engine for one sync: no pool, connect time-out set; SqlSourceError when the driver
    is missing (e.g. pyodbc for SQL Server)."""
    parsed = parse_url(url)
    connect_args = _connect_args(parsed, timeout)
    if password and parsed.username:
        if parsed.get_driver_name() == "pymysql":
            # PyMySQL sends a text password as Latin-1; the server hashed the UTF-8 bytes
            # (`IDENTIFIED BY 'Læse…'` from a UTF-8 client): give it those bytes.
            connect_args["password"] = password.encode("utf-8")
        else:
            parsed = parsed.set(password=password)
    try:
        engine = create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    except (NoSuchModuleError, ImportError) as exc:
        raise SqlSourceError(
            f"{mask(without_password(parsed))}: the database driver is not installed "
            f"({mask(str(exc).splitlines()[0], password)}); kpidesk brings psycopg "
            "(PostgreSQL) and PyMySQL (MySQL/MariaDB); SQL Server needs pyodbc (README)"
        ) from None
    except ArgumentError as exc:
        raise SqlSourceError(
            f"{mask(without_password(parsed))}: {mask(str(exc), password)}"
        ) from None
    if engine.dialect.name == "sqlite":
        _limit_sqlite(engine, timeout)
    return engine


def _limit_sqlite(engine: Engine, timeout: int) -> None:
    """SQLite has no statement time-out: a progress handler aborts a statement running longer."""
    started = [time.monotonic()]

    def too_long() -> int:
        return 1 if time.monotonic() - started[0] > timeout else 0

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.set_progress_handler(too_long, 10_000)
        dbapi_connection.execute("PRAGMA query_only = ON")

    @event.listens_for(engine, "before_cursor_execute")
    def _restart(*_args: object) -> None:
        started[0] = time.monotonic()


def session_setup(conn: Connection, timeout: int) -> list[str]:
    """Statements that make this connection read-only with a statement time-out.

    Run before the first query and committed, so they hold for the transaction that follows.
    """
    dialect = conn.dialect
    if dialect.name == "postgresql":
        return [
            "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
            f"SET statement_timeout = {int(timeout) * 1000}",
        ]
    if dialect.name in ("mysql", "mariadb"):
        limit = (
            f"SET SESSION max_statement_time = {int(timeout)}"
            if getattr(dialect, "is_mariadb", False)
            else f"SET SESSION max_execution_time = {int(timeout) * 1000}"
        )
        return [
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            "SET SESSION TRANSACTION READ ONLY",
            limit,
        ]
    return []  # SQLite: set on connect; others: the database user's rights (README)


@contextmanager
def read_only(engine: Engine, timeout: int, password: str = "") -> Iterator[Connection]:
    """One read-only connection with statement time-outs, in one transaction (rolled back)."""
    where = shown(without_password(engine.url), bool(password or engine.url.password))
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        raise SqlSourceError(f"CRM database {where}: {connect_problem(exc, password)}") from None
    except SQLAlchemyError as exc:
        raise SqlSourceError(f"CRM database {where}: {mask(first_line(exc), password)}") from None
    try:
        try:
            for statement in session_setup(conn, timeout):
                conn.exec_driver_sql(statement)
            conn.commit()
            if engine.dialect.name == "mssql":
                dbapi: Any = conn.connection.driver_connection
                if dbapi is not None and hasattr(dbapi, "timeout"):
                    dbapi.timeout = int(timeout)  # pyodbc: the query time-out
        except DBAPIError as exc:
            raise SqlSourceError(
                f"CRM database {where}: cannot make the session read-only with a time-out: "
                f"{mask(first_line(exc), password)}"
            ) from None
        yield conn
    finally:
        try:
            conn.rollback()
        except SQLAlchemyError:
            pass  # a lost or still-streaming connection: closing it ends the transaction
        finally:
            try:
                conn.close()
            except SQLAlchemyError:
                pass  # the problem itself is what the caller reports


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    source = orig if orig is not None else exc
    if (
        isinstance(source, BaseException)
        and len(source.args) == 2
        and isinstance(source.args[0], int)
    ):
        message = str(source.args[1])  # PyMySQL: (code, message)
    else:
        message = str(source)
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[0] if lines else type(source).__name__


def _code(exc: DBAPIError) -> tuple[str | None, int | None]:
    """(PostgreSQL SQLSTATE, MySQL error number) of a driver error, when it has them."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    number = (
        orig.args[0] if orig is not None and orig.args and isinstance(orig.args[0], int) else None
    )
    return sqlstate, number


_LOGIN_REFUSED_MYSQL = {1044, 1045, 1698}
_UNREACHABLE_MYSQL = {2002, 2003, 2005, 2006, 2013}


def connect_problem(exc: DBAPIError, password: str = "") -> str:
    """Why connecting failed, in words, never with the password."""
    sqlstate, number = _code(exc)
    detail = mask(first_line(exc), password)
    if (
        sqlstate in ("28P01", "28000")
        or number in _LOGIN_REFUSED_MYSQL
        or ("password authentication failed" in detail or "Access denied" in detail)
    ):
        return f"the login was refused (wrong user name or password?): {detail}"
    if sqlstate == "3D000" or number == 1049:
        return f"the database does not exist: {detail}"
    if number in _UNREACHABLE_MYSQL or sqlstate is None:
        return f"cannot reach the server (is it running, is the host and port right?): {detail}"
    return detail


_TIMEOUT_MYSQL = {1969, 3024}
_MISSING_MYSQL = {1054, 1146, 1109}
_READ_ONLY_MYSQL = {1792}


def query_problem(exc: DBAPIError, label: str, timeout: int, password: str = "") -> str:
    """Why a query failed, in one line naming it."""
    sqlstate, number = _code(exc)
    detail = mask(first_line(exc), password)
    if sqlstate == "57014" or number in _TIMEOUT_MYSQL or "interrupted" in detail:
        return (
            f"{label}: the query did not finish within the time-out of {timeout} s ({detail}); "
            "raise it with kpidesk source set sql --timeout, or make the query cheaper"
        )
    if sqlstate in ("42P01", "42703") or number in _MISSING_MYSQL:
        return (
            f"{label}: a table or column is missing in the CRM database ({detail}); "
            "does the mapping match the CRM's version?"
        )
    if sqlstate == "25006" or number in _READ_ONLY_MYSQL:
        return f"{label}: refused, the connection is read-only: {detail}"
    if sqlstate in ("08006", "08003", "57P01") or number in _UNREACHABLE_MYSQL:
        return f"{label}: the connection to the CRM database was lost: {detail}"
    return f"{label}: the CRM database refused the query: {detail}"


# -- rows as text -----------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A database value as the mapping's parsers read a CSV cell.

    Date-times become ISO 8601 (`2026-11-10 09:00:00`, with its offset when the database gave
    one), dates `YYYY-MM-DD`, numbers plain decimals (never `1e+16`), booleans true/false.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a number: {value}")
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("binary data, not text") from None
    return str(value)


def label_for(mapping: Mapping, source: Source) -> str:
    """How errors name a query: `activities query`, or `activities query 2` of several."""
    key = source.entity.removesuffix(".csv")
    same = [s for s in mapping.sources if s.entity == source.entity]
    return f"{key} query" if len(same) == 1 else f"{key} query {same.index(source) + 1}"


def _feed(
    conn: Connection, mapping: Mapping, source: Source, order: int, timeout: int, password: str
) -> Feed:
    label = label_for(mapping, source)
    place = Place(label, order, ENTITIES[source.entity], query=True)

    def open_rows(errors: Errors) -> Rows:
        try:
            result = conn.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(
                text(source.query)
            )
        except DBAPIError as exc:
            raise ImportFailed([query_problem(exc, label, timeout, password)]) from None
        header = [str(name) for name in result.keys()]

        def records() -> Iterator[tuple[int, list[str]]]:
            number = 0
            try:
                for row in result:
                    number += 1
                    try:
                        yield number, [as_text(value) for value in row]
                    except ValueError:
                        bad = [
                            (name, problem)
                            for name, value in zip(header, row, strict=True)
                            if (problem := _problem(value)) is not None
                        ]
                        for name, problem in bad:
                            errors.add(place, number, name, problem)
            except DBAPIError as exc:
                raise ImportFailed([query_problem(exc, label, timeout, password)]) from None
            finally:
                result.close()

        return Rows(header, records())

    return Feed(source, place, label, open_rows)


def _problem(value: Any) -> str | None:
    try:
        as_text(value)
    except ValueError as exc:
        return str(exc)
    return None


# -- the import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SqlSource:
    """What a sync needs to read the CRM's database."""

    url: str  # without the password
    mapping: Mapping
    timeout: int
    password: str = ""  # the effective one (environment or settings)


def plan(mapping: Mapping) -> list[Source]:
    """The mapping's queries in kpidesk's entity order (users before what refers to them)."""
    if not mapping.reads_queries:
        raise ImportFailed(
            [
                f'mapping {mapping.name}: it has no queries (query = "SELECT …" per entity); '
                "a sql data source needs a mapping written for a database, e.g. suitecrm-sql"
            ]
        )
    return sorted(mapping.sources, key=lambda s: FILE_NAMES.index(s.entity))


def import_sql(
    db: Database,
    source: SqlSource,
    *,
    check: bool = False,
    progress: ImportProgress | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> ImportReport:
    """Read every query of the mapping and import the rows: all or nothing.

    Raises SqlSourceError when the database cannot be reached or logged into, ImportFailed
    for a failing query (one line naming it) or rows with errors (`query:row N: …`).
    """
    queries = plan(source.mapping)
    engine = make_engine(source.url, source.password, source.timeout)
    try:
        with read_only(engine, source.timeout, source.password) as conn:
            feeds = [
                _feed(conn, source.mapping, item, order * 1000, source.timeout, source.password)
                for order, item in enumerate(queries)
            ]
            report = ImportReport(mapping=source.mapping.name)
            return import_feeds(db, source.mapping, feeds, report, check=check, progress=progress)
    finally:
        engine.dispose()


def probe(source: SqlSource) -> list[str]:
    """Problems found by connecting and asking each query for its columns (no rows read).

    For `kpidesk source set sql`: a wrong password or a missing table shows at once, as a
    warning, rather than at 02:00.
    """
    try:
        queries = plan(source.mapping)
        engine = make_engine(source.url, source.password, source.timeout)
    except (ImportFailed, SqlSourceError) as exc:
        return exc.errors if isinstance(exc, ImportFailed) else [str(exc)]
    problems: list[str] = []
    try:
        with read_only(engine, source.timeout, source.password) as conn:
            for item in queries:
                label = label_for(source.mapping, item)
                wrapped = f"SELECT * FROM ({item.query}) kpidesk_probe WHERE 1 = 0"
                try:
                    columns = {str(c).casefold() for c in conn.execute(text(wrapped)).keys()}
                except DBAPIError as exc:
                    problems.append(query_problem(exc, label, source.timeout, source.password))
                    if conn.dialect.name == "postgresql":
                        break  # the transaction is aborted: later queries cannot run
                    continue
                for name, rule in item.rules.items():
                    wanted = [rule.column] if rule.column else list(rule.columns)
                    for column in wanted:
                        if column.casefold() not in columns:
                            problems.append(
                                f"{label}: {name}: column {column!r} is not in the query's "
                                f"result (columns: {', '.join(sorted(columns))})"
                            )
    except SqlSourceError as exc:
        problems.append(str(exc))
    finally:
        engine.dispose()
    return problems
