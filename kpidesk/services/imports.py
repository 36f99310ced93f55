"""CRM data in: the CSV import (`kpidesk import-crm`), the demo organisation (`kpidesk demo`)
and mapping drafts (`kpidesk mapping init`), for the command line and the GUI alike.

An import that writes is audited with its caller in the import's own write transaction: the
audit row commits with the data or not at all. A `--check` run writes nothing and is not
audited. (The data source's import, `kpidesk sync` and "Importér nu": `services.source`.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from kpidesk.data.crm_import import (
    NOT_READ,
    ImportFailed,
    ImportProgress,
    ImportReport,
    Mapping,
    draft_mapping,
    load_mapping,
)
from kpidesk.data.crm_import import import_crm as _import_crm
from kpidesk.data.crm_import.run import BeforeCommit
from kpidesk.data.db import Database
from kpidesk.data.demo import DEMO_LOGINS, DemoRefused
from kpidesk.services import audit
from kpidesk.services.caller import Caller, checked

__all__ = [
    "DEMO_LOGINS",
    "NOT_READ",
    "DemoRefused",
    "ImportFailed",
    "ImportProgress",
    "ImportReport",
    "Mapping",
    "demo",
    "draft",
    "import_crm",
    "load_mapping",
]

KEY_MAX = 200  # audit_log.entity_key


def rows_per_file(report: ImportReport) -> dict[str, int]:
    """Rows read per kpidesk file (what the audit entry keeps)."""
    return {item.name: item.rows for item in report.files}


def _audit(caller: Caller, key: str, details: dict[str, Any]) -> BeforeCommit:
    """The audit entry of an import, written in its transaction once the rows are merged."""

    def write(conn: Connection, report: ImportReport) -> None:
        audit.record(conn, actor=caller.login, action="import", entity="crm_data",
                     key=key[-KEY_MAX:],
                     details={**details, "mapping": report.mapping,
                              "rows": rows_per_file(report),
                              "profiles_created": list(report.profiles_created)})  # fmt: skip

    return write


@checked
def import_crm(
    db: Database,
    caller: Caller,
    directory: Path,
    *,
    mapping: Mapping | None = None,
    check: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Import a CRM export folder, all or nothing (administrators); audited unless `check`.

    Raises ImportFailed with every error found (`file:line: column: message`); the database
    is then exactly as before, audit log included.
    """
    caller.require_admin()
    hook = _audit(caller, str(directory), {"source": "csv", "directory": str(directory)})
    return _import_crm(db, directory, mapping=mapping, check=check, progress=progress,
                       before_commit=hook)  # fmt: skip


def draft(directory: Path) -> str:
    """A starting mapping for a CRM's own export in `directory` (reads files only)."""
    return draft_mapping(directory)


@checked
def demo(
    db: Database,
    caller: Caller,
    *,
    users: int = 25,
    activities: int = 20_000,
    seed: int = 1,
    as_of: dt.date | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Fill an empty database with the demo organisation (DemoRefused when it holds CRM
    data); audited like an import."""
    from kpidesk.data.demo import generate_demo

    caller.require_admin()
    hook = _audit(caller, "demo", {"source": "demo", "seed": seed})
    return generate_demo(db, users=users, activities=activities, seed=seed, as_of=as_of,
                         progress=progress, before_commit=hook)  # fmt: skip
