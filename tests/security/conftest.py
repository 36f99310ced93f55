"""A PostgreSQL server that checks passwords (SCRAM) for everyone but its superuser, and a
kpidesk installation on it set up the way IT does: an owner role that is not a superuser,
`kpidesk db upgrade`, `kpidesk import-crm`, `kpidesk setup import`, `kpidesk db roles`."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.services import auth
from kpidesk.services.caller import SYSTEM_CLI
from tests.pgserver import PostgresServer

OWNER, OWNER_PASSWORD = "kpi_owner", "ejer-kode-1234"
SCHEDULER, SCHEDULER_PASSWORD = "kpisched", "nat-kode-1234"
PASSWORDS = {"karen": "karens-kode-1", "mette": "mettes-kode-1", "jonas": "jonas-kode-12",
             "ida": "idas-kode-123"}  # fmt: skip
AS_OF = dt.date(2026, 3, 20)
_numbers = itertools.count()

USERS_CSV = """login,name,email,role,active,profile
karen,Karen Holm,karen@example.dk,admin,true,Ledelse
mette,Mette Sørensen,mette@example.dk,user,true,Salg
jonas,Jonas Berg,jonas@example.dk,user,true,Salg
ida,Ida Inaktiv,ida@example.dk,user,false,Salg
"""
COMPANIES_CSV = "id,name,is_customer,key_account_manager\n1,Ålborg Auto,true,mette\n"
ACTIVITIES_CSV = """id,type,status,start_at,end_at,company_id,owner
10,Salgsmøde,planned,2026-03-23 10:00,,1,mette
11,Salgsmøde,planned,2026-03-24 10:00,,1,jonas
12,Salgsmøde,planned,2026-03-25 10:00,,1,jonas
"""
PARTICIPANTS_CSV = "activity_id,login\n10,mette\n11,jonas\n12,jonas\n"
SETUP = {
    "version": 1,
    "profiles": ["Salg", "Ledelse"],
    "rules": [{"name": "Planlagte salgsmøder", "template": "planned_meetings",
               "params": {"activity_types": ["Salgsmøde"], "days": 14}, "target": 4,
               "profiles": ["Salg"], "active": True}],
}  # fmt: skip


@dataclass
class Installation:
    server: PostgresServer
    database: str

    def url(self, user: str | None = None, password: str | None = None) -> str:
        who = f"{user}:{password}@" if user else ""
        return f"postgresql://{who}{self.server.host}:{self.server.port}/{self.database}"

    @property
    def owner_url(self) -> str:
        return self.url(OWNER, OWNER_PASSWORD)

    def connect(self, login: str, password: str | None = None) -> psycopg.Connection:
        """A raw connection as one role, with autocommit (each statement on its own)."""
        password = password or PASSWORDS.get(login) or SCHEDULER_PASSWORD
        return psycopg.connect(host=self.server.host, port=self.server.port, user=login,
                               password=password, dbname=self.database,
                               autocommit=True)  # fmt: skip


@pytest.fixture(scope="session")
def scram_server() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    try:
        hba = server.root / "data" / "pg_hba.conf"
        hba.write_text(
            "local all all trust\n"
            f"host all {server.user} 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )
        if server.as_root:
            shutil.chown(hba, server.user, server.user)
        server._run("pg_ctl", "-D", str(server.root / "data"), "reload")
        server.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'")
        yield server
    finally:
        server.stop()


def cli(*args: str) -> None:
    assert main(list(args)) == 0, args


@pytest.fixture
def installation(scram_server: PostgresServer, tmp_path: Path) -> Installation:
    """A fresh installation set up by IT as the owner, with passwords set by IT."""
    name = f"kpidesk_roles_{next(_numbers)}"
    scram_server.execute(f"CREATE DATABASE {name} OWNER {OWNER}")
    inst = Installation(scram_server, name)
    export = tmp_path / "export"
    export.mkdir()
    for file, content in (("users.csv", USERS_CSV), ("companies.csv", COMPANIES_CSV),
                          ("activities.csv", ACTIVITIES_CSV),
                          ("activity_participants.csv", PARTICIPANTS_CSV)):  # fmt: skip
        (export / file).write_text(content, encoding="utf-8")
    (tmp_path / "setup.json").write_text(json.dumps(SETUP), encoding="utf-8")
    url = inst.owner_url
    cli("--db", url, "db", "upgrade")
    cli("--db", url, "import-crm", str(export))
    cli("--db", url, "setup", "import", str(tmp_path / "setup.json"))
    cli("--db", url, "recalc", "--date", AS_OF.isoformat())
    cli("--db", url, "db", "roles", "--scheduler", SCHEDULER)
    with psycopg.connect(url) as conn:  # IT gives the service its password
        conn.execute(f"ALTER ROLE {SCHEDULER} PASSWORD '{SCHEDULER_PASSWORD}'")  # type: ignore[arg-type]
    db = Database(url)  # IT sets the first passwords as the owner (`kpidesk passwd`)
    try:
        for login, password in PASSWORDS.items():
            auth.set_password(db, SYSTEM_CLI, login, password)
    finally:
        db.dispose()
    return inst
