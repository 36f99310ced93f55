"""The nightly pass's import inside the run controller's guarded section, on both backends:
an export file the process may not read is a failed import recorded in `crm_imports` (not a
raised error), the night still calculates on the last good data, and the import and the run
are stamped with the runner's clock. The process runs without root's file-permission bypass,
as a service account would (`setpriv`, as in tests/security/test_faults.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import CrmImport, KpiRun, KpiRunData
from tests.scheduler.seed import CPH
from tests.scheduler.test_source_nights import (
    N1,
    N2,
    expected,
    first_export,
    results,
    setup_rules,
    third_export,
    write_export,
)
from tests.security.test_faults import AS_ORDINARY_ACCOUNT

ROOT = Path(__file__).resolve().parents[2]


def night_in_a_process(db_url: str, day: dt.date) -> dict[str, object]:
    """The nightly pass of `day` at 02:00 in its own process (tests.scheduler.child)."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [*AS_ORDINARY_ACCOUNT, sys.executable, "-m", "tests.scheduler.child", "fire", db_url,
         day.isoformat(), str(time.time())],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


@pytest.mark.skipif(not AS_ORDINARY_ACCOUNT and os.geteuid() == 0, reason="needs setpriv")
def test_an_unreadable_export_file_is_a_recorded_failed_import(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    setup_rules(db)
    folder = tmp_path / "export"
    write_export(folder, first_export(), dt.datetime.combine(N1, dt.time(1), CPH))
    assert main(["--db", db_url, "source", "set", "folder", "--path", str(folder),
                 "--settle", "0"]) == 0  # fmt: skip
    first = night_in_a_process(db_url, N1)
    assert first["summaries"] == [["success", "", len(expected(first_export(), N1))]]
    # The next night's export has a file the service account may not read.
    write_export(folder, third_export(first_export()), dt.datetime.combine(N2, dt.time(1), CPH))
    (folder / "activities.csv").chmod(0o000)
    try:
        second = night_in_a_process(db_url, N2)
    finally:
        (folder / "activities.csv").chmod(0o644)
    assert second["summaries"] == [["success", "", len(expected(first_export(), N2))]]
    with db.session() as session:
        imports = list(session.scalars(select(CrmImport).order_by(CrmImport.id)))
        runs = list(session.scalars(select(KpiRun).order_by(KpiRun.id)))
        links = {d.run_id: d for d in session.scalars(select(KpiRunData))}
    assert [i.status for i in imports] == ["success", "failed"]
    assert imports[1].error == (f"{folder / 'activities.csv'}: cannot be read: Permission denied")
    # The night calculated on the last good data and says so.
    assert results(db, N2) == expected(first_export(), N2)
    assert (links[runs[1].id].outcome, links[runs[1].id].attempt_id) == ("failed", imports[1].id)
    assert links[runs[1].id].import_id == imports[0].id
    # Stamped with the runner's clock (02:00 of each night), not the machine's.
    for day, attempt, run in zip((N1, N2), imports, runs, strict=True):
        night = dt.datetime.combine(day, dt.time(2), CPH)
        assert attempt.started_at == night and attempt.finished_at == night
        assert run.started_at == night and run.finished_at == night
