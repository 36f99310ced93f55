"""A throwaway PostgreSQL cluster for the tests (and benchmarks): initdb, start, stop.

PostgreSQL refuses to run as root, so as root the server binaries run through
`runuser -u postgres` in a temporary folder owned by that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from pytest_postgresql.janitor import DatabaseJanitor

SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    candidates = [os.environ.get("KPIDESK_PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    candidates += sorted(glob.glob("/usr/local/pgsql/bin")) + sorted(glob.glob("/opt/homebrew/bin"))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).parent))
    for candidate in candidates:
        if (
            candidate
            and (Path(candidate) / "initdb").exists()
            and (Path(candidate) / "pg_ctl").exists()
        ):
            return Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's `postgresql` "
        "package (make test does this as root) or set KPIDESK_PG_BINDIR"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    as_root: bool
    host: str = "127.0.0.1"
    user: str = SERVER_USER

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = find_bindir()
        as_root = os.geteuid() == 0
        root = Path(tempfile.mkdtemp(prefix="kpidesk-pg-"))
        os.chmod(root, 0o755)
        if as_root:
            shutil.chown(root, SERVER_USER, SERVER_USER)
        server = cls(bindir=bindir, root=root, port=_free_port(), as_root=as_root)
        server._run(
            "initdb", "-D", str(root / "data"), "-U", SERVER_USER, "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        server._run(
            "pg_ctl", "-D", str(root / "data"), "-o", options, "-l", str(root / "server.log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        return server

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise PostgresUnavailable(f"{tool} failed: {result.stderr.strip()}\n{tail}")

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        janitor = DatabaseJanitor(
            user=self.user, host=self.host, port=self.port, dbname=name, template_dbname=template,
            version=None,
        )  # fmt: skip
        janitor.init()
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        with psycopg.connect(host=self.host, port=self.port, user=self.user, dbname=dbname,
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(sql)  # type: ignore[arg-type]

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        except PostgresUnavailable:
            pass
        for _ in range(50):
            if not (self.root / "data" / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)
