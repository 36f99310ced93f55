"""Shared fixtures: every database test runs on a real SQLite file and a real PostgreSQL server.

The PostgreSQL server is a throwaway cluster started once per test session on a random
port (as the unprivileged `postgres` user when the tests run as root, since the server
refuses root); each test gets its own database cloned from a migrated template.
"""

from __future__ import annotations

import os
import tempfile

# Before anything imports Qt, and before platformdirs is asked for a folder: tests never
# touch the real user's data, settings or screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="kpidesk-test-home-")
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = os.path.join(_HOME, _var.lower())
os.environ.pop("KPIDESK_DATABASE_URL", None)

import gc  # noqa: E402
import itertools  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402

from kpidesk.data.db import Database, upgrade  # noqa: E402
from tests.mariadb import MariaDBServer  # noqa: E402
from tests.pgserver import PostgresServer  # noqa: E402

if TYPE_CHECKING:
    from tests.data.suitecrm_db import CrmDatabase

BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count()


@pytest.fixture(autouse=True)
def _gc_on_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Widget tests collect cyclic garbage on the GUI thread only, as the app does
    (kpidesk/gui/gccollect.py); afterwards Python collects automatically again."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    from kpidesk.gui.gccollect import GuiThreadCollector

    app = request.getfixturevalue("qapp")
    collector = GuiThreadCollector()
    yield
    collector.stop()
    for installed in app.findChildren(GuiThreadCollector):  # make_application's
        installed.stop()
        installed.setParent(None)
    gc.enable()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    try:
        template = server.create_database("kpidesk_template")
        db = Database(template)
        upgrade(db)
        db.dispose()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDBServer]:
    """A MariaDB server of the session's own (the `sql` data source's tests), with the
    read-only CRM user `kpi_reader`."""
    from tests.data.suitecrm_db import create_reader_on_mariadb

    server = MariaDBServer.start()
    try:
        create_reader_on_mariadb(server)
        yield server
    finally:
        server.stop()


@pytest.fixture
def crm_mariadb(mariadb_server: MariaDBServer) -> Iterator[CrmDatabase]:
    """An empty SuiteCRM database on the MariaDB test server."""
    from tests.data.suitecrm_db import create_on_mariadb

    name = f"suitecrm_{os.getpid()}_{next(_counter)}"
    yield create_on_mariadb(mariadb_server, name)
    mariadb_server.execute(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture
def crm_postgresql(pg_server: PostgresServer) -> Iterator[CrmDatabase]:
    """An empty SuiteCRM-shaped "CRM" database on the PostgreSQL test server."""
    from tests.data.suitecrm_db import create_on_postgresql

    name = f"crm_{os.getpid()}_{next(_counter)}"
    yield create_on_postgresql(pg_server, name)
    pg_server.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _make_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool
) -> str:
    if backend == "sqlite":
        path = tmp_path / f"kpidesk-{next(_counter)}.sqlite3"
        if migrated:
            shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"kpidesk_test_{os.getpid()}_{next(_counter)}"
    url = server.create_database(name, template="kpidesk_template" if migrated else None)
    # Dropped right after the test (FORCE ends connections a test left open): a few hundred
    # cloned databases would otherwise fill the disk and slow the server's shutdown.
    request.addfinalizer(lambda: server.drop_database(name))
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a new, migrated, empty database on each backend."""
    return _make_url(backend, request, tmp_path, migrated=True)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a new database without any schema, on each backend."""
    return _make_url(backend, request, tmp_path, migrated=False)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        database.dispose()
