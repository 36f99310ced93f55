"""The folder source: which export is new and complete, and each fault as one recorded line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.folder_source import NoNewExport, SourceProblem, export_moment, find_export
from kpidesk.data.models import Activity, CrmImport
from kpidesk.data.source import SourceConfig, SyncResult, sync
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


# -- the folder rules, each on its own ------------------------------------------------------


def test_one_file_rewritten_since_the_last_import_is_a_new_export(tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    age(folder, 7200)
    first = find_export(config(folder), None)
    stamp = first.written_at.timestamp() + 600  # the CRM rewrote one file ten minutes later
    os.utime(folder / "activities.csv", (stamp, stamp))
    again = find_export(config(folder), first.written_at)
    assert again.written_at.timestamp() == pytest.approx(stamp)
    # Files written before the last import's export are not new, however recent the import.
    with pytest.raises(NoNewExport, match="no export written since"):
        find_export(config(folder), again.written_at)


def test_a_file_rewritten_with_the_same_size_or_added_meanwhile_is_still_being_written(
    tmp_path: Path,
) -> None:
    folder = base_export(tmp_path / "export")  # written just now

    def rewrite(_seconds: float) -> None:  # same bytes, new modification time
        path = folder / "users.csv"
        stamp = path.stat().st_mtime + 1
        os.utime(path, (stamp, stamp))

    with pytest.raises(SourceProblem, match=r"\(users.csv changed within 5 s\)"):
        find_export(config(folder, settle_seconds=5), None, sleep=rewrite)

    def add(_seconds: float) -> None:  # the CRM is still writing its files one by one
        write(folder, "calls.csv", "id\n1\n")

    with pytest.raises(SourceProblem, match=r"\(calls.csv \(new\) changed within 5 s\)"):
        find_export(config(folder, settle_seconds=5), None, sleep=add)


def test_a_marker_left_from_the_last_export_does_not_count(tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    write(folder, "done", "")
    age(folder, 7200)  # yesterday's export with its marker
    stamp = dt.datetime.now(UTC).timestamp() - 3600
    os.utime(folder / "activities.csv", (stamp, stamp))  # today's export is being written
    with pytest.raises(SourceProblem, match="'done' is older than the export's files"):
        find_export(config(folder, marker="done"), None)
    os.utime(folder / "done", (stamp + 1, stamp + 1))  # written last: complete
    assert find_export(config(folder, marker="done"), None).directory == folder


# -- exports in dated subfolders ------------------------------------------------------------


def dated_export(folder: Path, name: str, written: float, *, marker: bool = True) -> Path:
    """One night's export in its own subfolder, all files written `written` seconds ago."""
    sub = base_export(folder / name)
    if marker:
        write(sub, "done", "")
    age(sub, written)
    return sub


@pytest.mark.parametrize(
    ("name", "moment"),
    [
        ("2026-12-06", dt.datetime(2026, 12, 6)),
        ("export_20261206", dt.datetime(2026, 12, 6)),
        ("20261206_0230", dt.datetime(2026, 12, 6, 2, 30)),
        ("crm-2026-12-06T02-00-05", dt.datetime(2026, 12, 6, 2, 0, 5)),
        ("export_12345678", None),
        ("latest", None),
    ],
)
def test_export_moment(name: str, moment: dt.datetime | None) -> None:
    assert export_moment(name) == moment


def test_the_newest_dated_subfolder_is_the_export(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    dated_export(folder, "export_20261205", 3600)  # touched later than the newer one
    newest = dated_export(folder, "export_20261206", 7200)
    dated_export(folder, "export_20261204", 9000)
    (folder / "notes").mkdir()  # a folder without CSV files is no export
    export = find_export(config(folder, marker="done"), None)
    assert export.directory == newest
    with pytest.raises(NoNewExport):
        find_export(config(folder, marker="done"), export.written_at)


def test_an_incomplete_newest_export_leaves_the_older_one_if_it_is_new(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    older = dated_export(folder, "2026-12-05", 86400)
    newest = dated_export(folder, "2026-12-06", 3600, marker=False)  # still being written
    cfg = config(folder, marker="done")
    assert find_export(cfg, None).directory == older  # not imported yet: the newest complete
    done = find_export(cfg, None).written_at
    with pytest.raises(SourceProblem, match="2026-12-06: the export is not complete"):
        find_export(cfg, done)  # the older one is imported; the newer not complete yet
    write(newest, "done", "")
    assert find_export(cfg, done).directory == newest


def test_sync_imports_the_newest_subfolder_and_records_which(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    dated_export(folder, "2026-12-05", 86400)
    newest = dated_export(folder, "2026-12-06", 3600)
    (newest / "activities.csv").write_text(
        "id,type,status,start_at,company_id,owner\n"
        "1,Salgsmøde,done,2026-11-02 10:00,1,anna\n"
        "2,Opgave,planned,2026-11-20 09:00,,bo\n",
        encoding="utf-8",
    )
    write(newest, "activity_participants.csv", "activity_id,login\n1,anna\n")
    age(newest, 3600)
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk", marker="done")
    result = sync(db)
    assert result.status == "imported", result.message
    assert result.last_good is not None and result.last_good.rows["activities.csv"] == 2
    assert result.source.endswith(", export 2026-12-06")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 2


# -- two syncs at the same moment -----------------------------------------------------------


def _two_syncs_at_once(db_url: str) -> list[SyncResult]:
    """Two syncs as a desktop and the service would start them, each with its own engine."""
    barrier = threading.Barrier(2)
    results: list[SyncResult] = []
    errors: list[BaseException] = []

    def one() -> None:
        own = Database(db_url)
        try:
            barrier.wait()
            results.append(sync(own))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_two_syncs_at_the_same_moment_import_and_record_once(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    folder = base_export(tmp_path / "export")  # just written: the first sync waits 2 s on it
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk", settle_seconds=2)
    results = _two_syncs_at_once(db_url)
    assert [r.status for r in results] == ["imported", "imported"]
    assert results[0].import_id == results[1].import_id is not None
    assert [status for status, _ in _imports(db)] == ["success"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 3
    # A broken export met by both: one failed attempt recorded, both say why.
    write(folder, "activities.csv", "id,type,status,start_at\n9,Opgave,planned\n")
    results = _two_syncs_at_once(db_url)
    assert [r.status for r in results] == ["failed", "failed"]
    assert results[0].message == results[1].message
    assert results[0].message.startswith("activities.csv:2: ")
    assert [status for status, _ in _imports(db)] == ["success", "failed"]


def test_two_processes_syncing_at_once_import_once(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    """`kpidesk sync` twice at the same moment, as a desktop and the service would."""
    folder = base_export(tmp_path / "export")
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk", settle_seconds=4)
    command = [sys.executable, "-m", "kpidesk", "--db", db_url, "sync"]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert [status for status, _ in _imports(db)] == ["success"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 3
