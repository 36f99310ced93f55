"""Engine and sessions for a database URL (SQLite or PostgreSQL), and schema upgrades."""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kpidesk import __version__, paths

log = logging.getLogger("kpidesk.data")

ENV_URL = paths.ENV_DATABASE_URL
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Key of the PostgreSQL advisory lock taken while migrating (any constant unique to kpidesk).
MIGRATION_LOCK_KEY = 0x6B706964_65736B00 & 0x7FFFFFFFFFFFFFFF


# The kpidesk version that introduced each migration. Whoever adds a migration adds a line;
# an upgrade writes the head's version into the settings (REQUIRED_VERSION_KEY) so that an
# older kpidesk meeting the database can say which version to install.
REVISION_VERSIONS: dict[str, str] = {
    "0001": "0.1.0",
    "0002": "0.1.0",
    "0003": "0.1.0",
    "0004": "0.1.0",  # canonical SQLite timestamps (ts)
    "0005": "0.1.0",  # activities' created_at/completed_at (history as it was)
    "0006": "0.1.0",  # text keys (crm_key) for real CRM exports
    "0008": "0.1.0",  # the data source: crm_imports, kpi_run_data
    "0009": "0.1.0",  # kpi_run_data.outcome, attempt_id: what the night's import did
}
REQUIRED_VERSION_KEY = "schema.requires_kpidesk"


class DatabaseError(Exception):
    """A database problem the user can act on; the message is one clear line."""


def resolve_url(url: str | None = None) -> str:
    return paths.resolve_database_url(url)


def mask_password(url: str) -> str:
    """The URL as it may be shown: a password between `:` and `@` becomes `***`."""
    return _PASSWORD_IN_URL.sub(r"\1***\2", url)


_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@]*(@)")


def read_url(url: str) -> URL:
    """`make_url` with its port checked, so a bad port fails here and not deep in a driver;
    ValueError with one line saying why (may hold the password: mask it) otherwise.

    Both kpidesk's own database and the `sql` data source read their URLs through it."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a port that is not a number fails here
    except (ArgumentError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "cannot be parsed"
        if "invalid literal for int" in reason:
            reason = "the port must be a number"
        raise ValueError(reason) from None
    return parsed


def normalise_url(url: str) -> str:
    """Accept `postgresql://` as people write it and use psycopg 3 for it."""
    try:
        parsed = read_url(url)
    except ValueError as exc:
        raise DatabaseError(
            f"invalid database URL {mask_password(url)!r}: {mask_password(str(exc))}; "
            "write sqlite:///FILE or postgresql://USER@HOST:PORT/DATABASE"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise DatabaseError(
            f"unsupported database {parsed.drivername!r}: use sqlite:///FILE or postgresql://..."
        )
    return parsed.render_as_string(hide_password=False)


def busy_timeout_ms() -> int:
    """How long a SQLite writer waits for a lock (env KPIDESK_SQLITE_BUSY_TIMEOUT_MS overrides)."""
    value = os.environ.get("KPIDESK_SQLITE_BUSY_TIMEOUT_MS", "")
    return int(value) if value.isdigit() else SQLITE_BUSY_TIMEOUT_MS


def _install_sqlite_recipe(engine: Engine) -> None:
    """pysqlite on 3.11 does not BEGIN before SELECT; take over transaction control ourselves.

    Writers begin with BEGIN IMMEDIATE (execution option `sqlite_immediate`), so a
    read-then-write transaction waits for the lock instead of failing with SQLITE_BUSY.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """One database: an engine, read and write sessions, and its dialect's quirks."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = normalise_url(resolve_url(url))
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = parsed.database or ""
            if database and database != ":memory:":
                folder = Path(database).expanduser().resolve().parent
                if not folder.is_dir():
                    raise DatabaseError(f"folder {folder} of the database file does not exist")
            self.engine = create_engine(self.url, echo=echo)
            _install_sqlite_recipe(self.engine)
        else:
            self.engine = create_engine(
                self.url,
                echo=echo,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 10, "application_name": "kpidesk"},
            )
        # The PostgreSQL login role of the person who logged in through the server (shared
        # installation with `kpidesk db roles`); None when the URL itself says who connects.
        self.login_role: str | None = None
        self.write_engine = self.engine.execution_options(sqlite_immediate=True)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = make_url(self.url).database
        return Path(database) if database and database != ":memory:" else None

    def display_url(self) -> str:
        """The URL as people see it: no password, and a file in the home folder as `~/…`
        (shorter, and a screenshot sent to support does not carry the user's name)."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            try:
                inside_home = Path(url.database).resolve().relative_to(Path.home().resolve())
            except (ValueError, RuntimeError, OSError):
                pass
            else:
                return f"{url.drivername}:///~/{inside_home.as_posix()}"
        return url.render_as_string(hide_password=True)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session for one user action or job: committed at the end, rolled back on error."""
        factory = self._writer if write else self._reader
        with translate_errors(self), factory() as session, session.begin():
            yield session

    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection inside one transaction (for set-based statements)."""
        engine = self.write_engine if write else self.engine
        with translate_errors(self), engine.begin() as conn:
            yield conn

    def check_connection(self) -> None:
        with self.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def read_only_message(db: Database) -> str:
    """What to do about a SQLite database this account may read but not write."""
    path = db.sqlite_path
    if path is None:
        return f"the database {db.display_url()} is read-only for this login"
    path = path.expanduser().resolve()
    if path.exists() and not os.access(path, os.W_OK):
        return (
            f"the database file is read-only: {path}: give this account write access to it "
            "(or copy it somewhere writable)"
        )
    return (
        f"the database folder is read-only: {path.parent}: SQLite writes its journal beside "
        "the file, so this account needs write access to the folder too"
    )


@contextmanager
def translate_errors(db: Database) -> Iterator[None]:
    """Turn connection failures into one clear line; leave programming errors alone."""
    try:
        yield
    except OperationalError as exc:
        message = str(exc.orig) if exc.orig is not None else str(exc)
        first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
        if "readonly" in first or "read-only" in first:
            raise DatabaseError(read_only_message(db)) from exc
        if db.is_sqlite and "unable to open" in first and db.sqlite_path is not None:
            folder = db.sqlite_path.expanduser().resolve().parent
            if folder.is_dir() and not os.access(folder, os.W_OK):
                raise DatabaseError(read_only_message(db)) from exc
        if "locked" in first or "busy" in first:
            raise DatabaseError(
                f"database {db.display_url()} is locked by another program: {first}"
            ) from exc
        if "unable to open" in first or "connection" in first.lower() or "could not" in first:
            raise DatabaseError(f"cannot reach database {db.display_url()}: {first}") from exc
        raise


def upgrade(db: Database, revision: str = "head") -> bool:
    """Create or upgrade the schema; never drops data. Returns whether anything was applied.

    SQLite has no transactional DDL, so the file is copied beside itself first and restored
    if the upgrade fails. PostgreSQL upgrades run under an advisory lock so that many
    desktops starting at once do not migrate concurrently.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config(db)
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads()) if revision == "head" else {revision}
    with translate_errors(db), db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        unknown = sorted(rev for rev in current if not _known_revision(script, rev))
        required = _required_version(conn) if unknown else None
    if unknown:
        raise DatabaseError(newer_database_message(unknown, required))
    if current == heads:
        return False
    if db.login_role is not None:
        raise DatabaseError(
            f"the database {db.display_url()} needs an upgrade that only its owner may run: "
            "ask IT to run `kpidesk db upgrade` (and `kpidesk db roles`) as the owner"
        )

    backup: Path | None = None
    source = db.sqlite_path
    if source is not None and source.exists() and current:
        backup = source.with_name(source.name + ".pre-upgrade")
        shutil.copy2(source, backup)
    try:
        with _migration_connection(db) as conn:
            if db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            _record_required_version(conn, script.get_current_head())
            if db.is_sqlite:
                _check_foreign_keys(db, conn)
    except Exception:
        if backup is not None and source is not None:
            db.dispose()
            shutil.copy2(backup, source)
        raise
    finally:
        if backup is not None:
            backup.unlink(missing_ok=True)
    log.info("database %s upgraded from %s to %s", db.display_url(), current or "empty", revision)
    return True


def _known_revision(script: Any, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def version_for_revision(revision: str | None) -> str:
    """The kpidesk version that brought a revision (tolerant: unknown ids give ours)."""
    if revision is None:
        return __version__
    return REVISION_VERSIONS.get(revision, __version__)


def newer_database_message(revisions: list[str], required: str | None) -> str:
    needed = f"install kpidesk ≥ {required}" if required else (
        f"install the kpidesk that upgraded it (newer than {__version__})"
    )  # fmt: skip
    return (
        f"this database was upgraded by a newer kpidesk (revision {', '.join(revisions)}): "
        f"{needed}; this is kpidesk {__version__}"
    )


def _required_version(conn: Connection) -> str | None:
    """What the newest kpidesk that upgraded the database wrote down as needed."""
    if not inspect(conn).has_table("settings"):
        return None
    value = conn.execute(
        text("SELECT value FROM settings WHERE key = :k"), {"k": REQUIRED_VERSION_KEY}
    ).scalar()
    return str(value) if value else None


def _record_required_version(conn: Connection, head: str | None) -> None:
    """Leave, for older kpidesk versions, which version this schema needs (their message)."""
    if not inspect(conn).has_table("settings"):
        return
    version = version_for_revision(head)
    conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": REQUIRED_VERSION_KEY})
    conn.execute(
        text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
        {"k": REQUIRED_VERSION_KEY, "v": version},
    )


@contextmanager
def _migration_connection(db: Database) -> Iterator[Connection]:
    """The upgrade's one transaction; on SQLite with foreign keys switched off.

    Batch migrations recreate a table (copy, drop, rename): with foreign keys on, dropping
    `activities` would cascade to its participants. SQLite can only switch them outside a
    transaction; `_check_foreign_keys` checks every reference before the commit instead.
    """
    if not db.is_sqlite:
        with translate_errors(db), db.write_engine.begin() as conn:
            yield conn
        return
    with sqlite_without_foreign_keys(db) as conn:
        yield conn


@contextmanager
def sqlite_without_foreign_keys(db: Database) -> Iterator[Connection]:
    """One SQLite write transaction with row-by-row foreign key enforcement off.

    SQLite can only switch it outside a transaction, so it is switched on the raw connection
    around the transaction and back on afterwards; the caller checks references itself.
    """
    with translate_errors(db), db.write_engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(db: Database, conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent = broken[0][0], broken[0][1], broken[0][2]
        raise DatabaseError(
            f"upgrade of {db.display_url()} stopped: {len(broken)} broken references "
            f"(first: {table} row {rowid} refers to a missing {parent} row)"
        )


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str:
    """The newest revision the program's migrations know."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert head is not None
    return head


def alembic_config(db: Database) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(paths.migrations_path()))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open the database for the app or a command: the schema is brought up to date first."""
    db = Database(url)
    try:
        if migrate:
            upgrade(db)
        else:
            db.check_connection()
    except DBAPIError as exc:
        db.dispose()
        raise DatabaseError(f"database {db.display_url()}: {str(exc.orig).strip()}") from exc
    except DatabaseError:
        db.dispose()
        raise
    return db


def has_server_roles(db: Database) -> bool:
    """Whether `kpidesk db roles` set this PostgreSQL database up (passwords are the server's)."""
    if db.dialect != "postgresql":
        return False
    with db.connect() as conn:
        return bool(conn.scalar(text("SELECT to_regproc('kpidesk_set_password') IS NOT NULL")))


def has_table(db: Database, name: str) -> bool:
    return inspect(db.engine).has_table(name)
