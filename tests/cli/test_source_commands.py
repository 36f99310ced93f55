"""`kpidesk source set folder|none|show`, `sync` and `scheduler --once` with a data source."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import Activity, AuditEntry, KpiRule, Profile
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.runs import run_log
from tests.data.test_importer import base_export, write


def _age(folder: Path, seconds: float) -> None:
    stamp = dt.datetime.now(dt.UTC).timestamp() - seconds
    for path in folder.iterdir():
        os.utime(path, (stamp, stamp))


def test_source_set_show_and_sync(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = base_export(tmp_path / "export")
    _age(folder, 3600)
    assert main(["source", "show", "--db", db_url]) == 0
    assert "source: none" in capsys.readouterr().out
    assert main(["sync", "--db", db_url]) == 1
    assert "no data source is set up" in capsys.readouterr().err

    code = main(["source", "set", "folder", "--db", db_url, "--path", str(folder),
                 "--mapping", "kpidesk", "--marker", "done", "--settle", "5"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert f"path: {folder}" in out and "marker: done" in out and "settle time: 5 s" in out

    # No marker yet: one line, nothing imported, exit code 1.
    assert main(["sync", "--db", db_url]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == (
        f"{folder}: the export is not complete: the marker file 'done' is missing"
    )
    assert "Traceback" not in captured.err
    write(folder, "done", "")
    assert main(["sync", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "activities.csv: 3 rows" in out
    db = Database(db_url)
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Activity)) == 3
    finally:
        db.dispose()
    assert main(["sync", "--db", db_url]) == 0
    assert "nothing new" in capsys.readouterr().out
    assert main(["source", "show", "--db", db_url]) == 0
    assert "success: users.csv 3, companies.csv 2, activities.csv 3" in capsys.readouterr().out


def test_source_set_refuses_a_bad_mapping(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "crm.toml", "[mapping]\nname = 'x'\nwhat = 1\n")
    code = main(["source", "set", "folder", "--db", db_url, "--path", str(tmp_path),
                 "--mapping", str(bad)])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "crm.toml" in err and "unknown key 'what'" in err
    assert "the data source was not changed" in err
    assert main(["source", "show", "--db", db_url]) == 0
    assert "source: none" in capsys.readouterr().out


def test_source_set_none_says_what_it_was_and_keeps_its_settings(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = base_export(tmp_path / "export")
    _age(folder, 3600)
    assert main(["source", "set", "none", "--db", db_url]) == 0
    assert capsys.readouterr().out == "data source unchanged: there was none\n"
    assert main(["source", "set", "folder", "--db", db_url, "--path", str(folder),
                 "--marker", "done"])  == 0  # fmt: skip
    write(folder, "done", "")
    assert main(["sync", "--db", db_url]) == 0
    capsys.readouterr()

    assert main(["source", "set", "none", "--db", db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"data source set: none (was folder {folder}, mapping kpidesk)",
        "the nightly run now calculates on the CRM data imported by hand; "
        "`kpidesk source set folder …` sets it again",
    ]
    assert main(["source", "show", "--db", db_url]) == 0
    assert capsys.readouterr().out.startswith("source: none (")
    # A newer export is not imported any more: the data stay as the last import left them.
    write(folder, "activities.csv", "id,type,status,start_at\n")
    assert main(["sync", "--db", db_url]) == 1
    assert "no data source is set up" in capsys.readouterr().err
    assert main(["config", "get", "source_marker", "--db", db_url]) == 0
    assert capsys.readouterr().out.strip().endswith("done")  # kept for setting it again
    db = Database(db_url)
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Activity)) == 3
            changes = session.scalars(
                select(AuditEntry.entity_key).where(AuditEntry.entity == "data_source")
                .order_by(AuditEntry.id)
            ).all()  # fmt: skip
        assert changes == ["folder", "none"]  # the repeated "none" changed nothing
    finally:
        db.dispose()


@pytest.mark.slow
def test_scheduler_once_imports_then_calculates(db_url: str, tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    _age(folder, 600)
    db = Database(db_url)
    try:
        with db.session(write=True) as session:
            salg = Profile(name="Salg")
            session.add(salg)
            session.add(KpiRule(name="Møder", template="planned_meetings",
                                params={"days": 14}, target=5, profiles=[salg]))  # fmt: skip
        assert main(["source", "set", "folder", "--db", db_url, "--path", str(folder)]) == 0
        done = subprocess.run(
            [sys.executable, "-m", "kpidesk", "scheduler", "--db", db_url, "--once"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        rows = run_log(db, SYSTEM_CLI)
        assert [row.status for row in rows] == ["success"]
        assert rows[0].data is not None and rows[0].import_id is not None
        assert rows[0].data.startswith("CRM-data fra i ")  # i dag (i går just after midnight)
        assert " — importeret " in rows[0].data and "activities.csv 3" in rows[0].data
        assert rows[0].data in done.stdout  # the scheduler's log says it too
    finally:
        db.dispose()
