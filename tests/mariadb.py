"""A throwaway MariaDB server for the tests of the `sql` data source: install, start, stop.

Modelled on tests/pgserver.py. mariadbd refuses to run as root without `--user`, so as root
the server binaries run through `runuser -u mysql` in a temporary folder owned by that user.
The server listens on a free port on 127.0.0.1 only; `root` logs in without a password from
there (`--auth-root-authentication-method=normal`). Small buffers, no binary log and no
performance schema keep start-up at a few seconds.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pymysql

SERVER_USER = "mysql"
TUNING = (
    "--innodb-buffer-pool-size=16M",
    "--innodb-log-file-size=4M",
    "--innodb-flush-log-at-trx-commit=0",
    "--skip-log-bin",
    "--skip-name-resolve",
    "--skip-performance-schema",
)


class MariaDBUnavailable(RuntimeError):
    pass


def find_bindir() -> tuple[Path, Path]:
    """(the folder of mariadbd, the folder of mariadb-install-db)."""
    override = os.environ.get("KPIDESK_MARIADB_BINDIR", "")
    server_dirs = [override, "/usr/sbin", "/usr/local/sbin", "/usr/local/mysql/bin"]
    install_dirs = [override, "/usr/bin", "/usr/local/bin", "/usr/local/mysql/scripts"]
    for name in ("mariadbd", "mariadb-install-db"):
        found = shutil.which(name)
        if found:
            (server_dirs if name == "mariadbd" else install_dirs).append(str(Path(found).parent))
    server = next((Path(d) for d in server_dirs if d and (Path(d) / "mariadbd").exists()), None)
    install = next(
        (Path(d) for d in install_dirs if d and (Path(d) / "mariadb-install-db").exists()), None
    )
    if server is None or install is None:
        raise MariaDBUnavailable(
            "MariaDB server binaries (mariadbd, mariadb-install-db) not found: install Debian's "
            "`mariadb-server` package (make test does this as root) or set KPIDESK_MARIADB_BINDIR"
        )
    return server, install


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MariaDBServer:
    root: Path
    port: int
    as_root: bool
    process: subprocess.Popen[bytes] | None = None
    host: str = "127.0.0.1"
    databases: list[str] = field(default_factory=list)

    @classmethod
    def start(cls) -> MariaDBServer:
        server_dir, install_dir = find_bindir()
        as_root = os.geteuid() == 0
        root = Path(tempfile.mkdtemp(prefix="kpidesk-mariadb-"))
        os.chmod(root, 0o755)
        if as_root:
            shutil.chown(root, SERVER_USER, SERVER_USER)
        server = cls(root=root, port=_free_port(), as_root=as_root)
        data = root / "data"
        server._run(
            str(install_dir / "mariadb-install-db"), "--no-defaults", f"--datadir={data}",
            "--auth-root-authentication-method=normal", "--skip-test-db", *TUNING,
        )  # fmt: skip
        command = [
            str(server_dir / "mariadbd"), "--no-defaults", f"--datadir={data}",
            f"--socket={root / 'mysqld.sock'}", f"--port={server.port}",
            "--bind-address=127.0.0.1", f"--pid-file={root / 'mysqld.pid'}",
            f"--log-error={root / 'error.log'}", *TUNING,
        ]  # fmt: skip
        if as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        server.process = subprocess.Popen(
            command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                server.connect().close()
                break
            except pymysql.err.OperationalError:
                if server.process.poll() is not None or time.monotonic() > deadline:
                    log = root / "error.log"
                    tail = log.read_text()[-2000:] if log.exists() else ""
                    server.stop()
                    raise MariaDBUnavailable(f"mariadbd did not start:\n{tail}") from None
                time.sleep(0.1)
        return server

    def _run(self, *command: str) -> None:
        args = list(command)
        if self.as_root:
            args = ["runuser", "-u", SERVER_USER, "--", *args]
        result = subprocess.run(args, capture_output=True, text=True, cwd=self.root)
        if result.returncode != 0:
            raise MariaDBUnavailable(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")

    def connect(self, database: str | None = None) -> pymysql.connections.Connection:  # type: ignore[type-arg]
        """A connection as the server's root, with autocommit."""
        return pymysql.connect(
            host=self.host, port=self.port, user="root", database=database, autocommit=True,
            connect_timeout=5,
        )  # fmt: skip

    def execute(self, *statements: str, database: str | None = None) -> None:
        with self.connect(database) as conn, conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def url(self, database: str, user: str = "root", password: str = "") -> str:
        secret = f":{password}" if password else ""
        return f"mysql+pymysql://{user}{secret}@{self.host}:{self.port}/{database}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            pid_file = self.root / "mysqld.pid"
            try:
                pid = int(pid_file.read_text().strip())
            except (OSError, ValueError):
                pid = None
            if pid is None:
                self.process.terminate()
            else:
                try:
                    os.kill(pid, 15)  # mariadbd itself (runuser waits for it)
                except ProcessLookupError:
                    pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
