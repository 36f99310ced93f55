"""The night's import from the data source is in the audit log under the scheduler's name,
with the rows per file, once per export: a night that finds nothing new adds no entry."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.source import set_folder
from tests.scheduler.seed import CPH
from tests.scheduler.test_source_nights import (
    N1,
    N2,
    first_export,
    night,
    setup_rules,
    write_export,
)


def rows_in(folder: Path) -> dict[str, int]:
    """Records per CSV file, counted with the csv module."""
    counted = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            counted[path.name] = sum(1 for _ in csv.reader(handle)) - 1
    return counted


def imports_audited(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "crm_data").order_by(AuditEntry.id)
        ))  # fmt: skip


def test_the_nights_import_is_audited_as_the_schedulers(db: Database, tmp_path: Path) -> None:
    setup_rules(db)
    folder = tmp_path / "crm-export"
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk")
    write_export(folder, first_export(), dt.datetime.combine(N1, dt.time(1, 30), CPH))
    night(db, N1).run_pass("nightly")
    [entry] = imports_audited(db)
    assert (entry.actor, entry.action) == ("scheduler", "import")
    assert entry.details["rows"] == rows_in(folder)
    assert entry.details["rows"]["activities.csv"] > 0
    night(db, N2).run_pass("nightly")  # no new export: nothing imported, nothing audited
    assert len(imports_audited(db)) == 1
