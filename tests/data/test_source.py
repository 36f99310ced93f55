"""The folder source: which export is new and complete, and each fault as one recorded line."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.models import Activity, CrmImport
from kpidesk.data.source import (
    NoNewExport,
    SourceConfig,
    SourceProblem,
    find_export,
    sync,
)
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.source import mask, set_folder, show
from tests.data.test_importer import base_export, write

UTC = dt.UTC


def age(folder: Path, seconds: float) -> None:
    """Make every file in `folder` `seconds` old."""
    stamp = dt.datetime.now(UTC).timestamp() - seconds
    for path in folder.iterdir():
        os.utime(path, (stamp, stamp))


def config(folder: Path, **kw: object) -> SourceConfig:
    return SourceConfig(kind="folder", path=str(folder), **kw)  # type: ignore[arg-type]


def test_new_export_is_found_once(tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    age(folder, 3600)
    export = find_export(config(folder, settle_seconds=60), None)
    assert {p.name for p in export.files} >= {"users.csv", "activities.csv"}
    assert dt.datetime.now(UTC) - export.written_at > dt.timedelta(minutes=59)
    with pytest.raises(NoNewExport):
        find_export(config(folder), export.written_at)


def test_marker_is_required_when_configured(tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    age(folder, 3600)
    with pytest.raises(SourceProblem, match="the marker file 'done' is missing"):
        find_export(config(folder, marker="done"), None)
    write(folder, "done", "")
    assert find_export(config(folder, marker="done"), None).directory == folder


def test_a_file_still_growing_is_not_imported(tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")  # written just now
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # the CRM writes more while we wait
        waited.append(seconds)
        with (folder / "activities.csv").open("a", encoding="utf-8") as handle:
            handle.write("13,Opgave,planned,2026-11-04 08:00,,,anna\n")

    with pytest.raises(SourceProblem, match=r"still being written \(activities.csv changed"):
        find_export(config(folder, settle_seconds=30), None, sleep=sleep)
    assert len(waited) == 1 and 0 < waited[0] <= 30
    # Unchanged over the settle time: complete.
    export = find_export(config(folder, settle_seconds=30), None, sleep=lambda _s: None)
    assert export.directory == folder


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "folder not found"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "the folder holds no CSV files"),
    ],
)
def test_missing_or_empty_folder(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceProblem, match=message):
        find_export(config(make(tmp_path)), None)


def _imports(db: Database) -> list[tuple[str, str | None]]:
    with db.session() as session:
        return [
            (status, error)
            for status, error in session.execute(
                select(CrmImport.status, CrmImport.error).order_by(CrmImport.id)
            )
        ]


def test_sync_faults_are_one_line_each_and_change_nothing(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    set_folder(db, SYSTEM_CLI, str(folder), "suitecrm")
    result = sync(db)
    assert (result.status, result.message) == ("failed", f"{folder}: folder not found")
    # A mapping that no longer matches the export's headers: kpidesk's own files, SuiteCRM's map.
    base_export(folder)
    age(folder, 3600)
    result = sync(db)
    assert result.status == "failed"
    assert "\n" not in result.message and "more)" in result.message
    assert result.message.startswith("users.csv:1: (skip): column 'deleted' is not in the file")
    assert len(result.errors) > 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 0
    statuses = [status for status, _ in _imports(db)]
    assert statuses == ["failed", "failed"]
    # Nothing recorded as good: show says the last attempt failed, with its first line.
    view = show(db, SYSTEM_CLI)
    assert view.last_import is not None and view.last_import.status == "failed"
    assert any(line.startswith("last import: ") and "failed" in line for line in view.lines())


def test_sync_imports_then_finds_nothing_new(db: Database, tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    age(folder, 3600)
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk")
    first = sync(db)
    assert first.status == "imported", first.message
    assert first.last_good is not None and first.last_good.rows["activities.csv"] == 3
    again = sync(db)
    assert again.status == "nothing_new"
    assert again.last_good is not None and again.last_good.id == first.import_id
    assert [status for status, _ in _imports(db)] == ["success"]


def test_set_folder_refuses_an_unknown_mapping_and_masks_credentials(
    db: Database, tmp_path: Path
) -> None:
    from kpidesk.services.source import SourceError

    with pytest.raises(SourceError) as caught:
        set_folder(db, SYSTEM_CLI, str(tmp_path), "nosuchcrm")
    assert caught.value.problems == [
        "nosuchcrm: mapping file not found "
        "(presets: hubspot, pipedrive, salesforce, suitecrm-sql, suitecrm)"
    ]
    assert show(db, SYSTEM_CLI).kind == "none"
    assert mask("smb://crm:s3cret@fileserver/export") == "smb://crm:***@fileserver/export"
    set_folder(db, SYSTEM_CLI, "smb://crm:s3cret@fileserver/export", "kpidesk")
    text = "\n".join(show(db, SYSTEM_CLI).lines())
    assert "s3cret" not in text and "smb://crm:***@fileserver/export" in text
