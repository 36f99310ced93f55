"""Every fault the probe found gives one line on stderr, a non-zero exit and no traceback,
and leaves the database as it was. Each case runs `kpidesk` as a real process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kpidesk.cli.main import main
from kpidesk.data.db import REQUIRED_VERSION_KEY, REVISION_VERSIONS, Database, version_for_revision

REPO = Path(__file__).resolve().parents[2]
# As root, file permissions do not bind; without these capabilities they do (util-linux).
AS_ORDINARY_ACCOUNT = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    if os.geteuid() == 0
    else []
)


def kpidesk(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "kpidesk", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "KPIDESK_DATABASE_URL": ""},
    )  # fmt: skip


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (asserting there is exactly one)."""
    assert done.returncode not in (0, None), done
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("kpidesk: error: ")
    return lines[0]


def snapshot(db_url: str) -> str:
    """Everything kpidesk keeps, as text: the schema revision and every table's rows."""
    db = Database(db_url)
    try:
        with db.connect() as conn:
            parts = []
            for table in ("alembic_version", "settings", "users", "kpi_rules", "audit_log",
                          "kpi_runs"):  # fmt: skip
                rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
                parts.append(f"{table}: {sorted(map(repr, rows))}")
            return "\n".join(parts)
    finally:
        db.dispose()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "kpidesk.sqlite3"
    assert main(["--db", f"sqlite:///{path}", "db", "upgrade"]) == 0
    yield path
    folder.chmod(0o755)
    path.chmod(0o644)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database(sqlite_file: Path, what: str) -> None:
    url = f"sqlite:///{sqlite_file}"
    before = file_digest(sqlite_file)
    (sqlite_file if what == "file" else sqlite_file.parent).chmod(0o555 if what == "folder"
                                                                   else 0o444)  # fmt: skip
    done = kpidesk("--db", url, "config", "set", "timezone", "Europe/Berlin",
                   prefix=AS_ORDINARY_ACCOUNT)  # fmt: skip
    line = one_line(done)
    if what == "file":
        assert f"the database file is read-only: {sqlite_file}" in line
    else:
        assert f"the database folder is read-only: {sqlite_file.parent}" in line
    assert "write access" in line
    assert file_digest(sqlite_file) == before


def test_database_of_a_newer_kpidesk(db_url: str, db: Database) -> None:
    with db.connect(write=True) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
        conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": REQUIRED_VERSION_KEY})
        conn.execute(text("INSERT INTO settings (key, value) VALUES (:k, '9.4.0')"),
                     {"k": REQUIRED_VERSION_KEY})  # fmt: skip
    before = snapshot(db_url)
    for command in (["config", "get"], ["db", "upgrade"], ["recalc"]):
        line = one_line(kpidesk("--db", db_url, *command))
        assert "this database was upgraded by a newer kpidesk (revision 0999): " in line
        assert "install kpidesk ≥ 9.4.0" in line
    assert snapshot(db_url) == before
    # Written by a kpidesk that did not yet leave its version: still one line, with advice.
    with db.connect(write=True) as conn:
        conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": REQUIRED_VERSION_KEY})
    line = one_line(kpidesk("--db", db_url, "config", "get"))
    assert "(revision 0999): install the kpidesk that upgraded it" in line


def test_an_upgrade_leaves_the_version_it_needs(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from kpidesk.data.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(db))
    head = script.get_current_head()
    with db.connect() as conn:
        stored = conn.execute(
            text("SELECT value FROM settings WHERE key = :k"), {"k": REQUIRED_VERSION_KEY}
        ).scalar()
    assert stored == version_for_revision(head)
    # Every migration has its line (helpers adding one add it too; unknown ones tolerated).
    missing = [rev.revision for rev in script.walk_revisions() if rev.revision
               not in REVISION_VERSIONS]  # fmt: skip
    assert missing == [], "add these to REVISION_VERSIONS in kpidesk/data/db.py"
    assert version_for_revision("not-a-revision")  # tolerant: falls back to this version


def test_setup_with_a_400_digit_target(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "setup.json"
    path.write_text(
        '{"version": 1, "rules": [{"name": "Stor", "template": "new_opportunities", '
        f'"target": 1{"0" * 399}}}]}}',
        encoding="utf-8",
    )
    before = snapshot(db_url)
    line = one_line(kpidesk("--db", db_url, "setup", "import", str(path)))
    assert f"{path}: the number 100000000000… has 400 characters" in line
    assert snapshot(db_url) == before


def test_setup_nested_100000_deep(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "setup.json"
    depth = 100_000
    path.write_text('{"version": 1, "rules": ' + "[" * depth + "]" * depth + "}", "utf-8")
    before = snapshot(db_url)
    line = one_line(kpidesk("--db", db_url, "setup", "import", str(path)))
    assert "nested more than 20 levels deep" in line
    assert snapshot(db_url) == before


@pytest.mark.parametrize("big", ["1e400", "-1e999", "NaN", "Infinity"])
def test_setup_numbers_that_are_not_finite(tmp_path: Path, big: str) -> None:
    path = tmp_path / "setup.json"
    path.write_text(json.dumps({"version": 1, "rules": []})[:-1] + f', "x": {big}}}', "utf-8")
    line = one_line(kpidesk("--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "setup", "import",
                            str(path)))  # fmt: skip
    assert big in line


def test_database_url_with_a_port_that_is_not_a_number() -> None:
    done = kpidesk("--db", "postgresql://kpi:hemmelig-kode@dbhost:abc/kpidesk", "config", "get")
    line = one_line(done)
    assert "hemmelig" not in done.stderr + done.stdout
    assert "invalid database URL 'postgresql://kpi:***@dbhost:abc/kpidesk'" in line
    assert "the port must be a number" in line
