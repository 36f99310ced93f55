"""The `folder` data source: which export in the folder the CRM writes into is new and complete.

A folder holds one export (its own CSV files) or one per night in dated subfolders. An export
is complete when some file was written since the last good import's export, no file changed
over the settle time and, when a marker is configured, the marker file is present and not
older than the files. `kpidesk.data.source.sync` imports what `find_export` returns; the
`sql` kind lives in `kpidesk.data.sql_source`.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class FolderSettings(Protocol):
    """What the folder source reads of the stored source (`source.SourceConfig`)."""

    @property
    def path(self) -> str: ...
    @property
    def marker(self) -> str: ...
    @property
    def settle_seconds(self) -> int: ...


class SourceProblem(Exception):
    """The source cannot give a complete export now; the message is one line for the user."""


class NoNewExport(Exception):
    """Nothing written since the last good import (not a fault: the CRM has not exported)."""


@dataclass(frozen=True)
class Export:
    """A complete export found in the source folder."""

    directory: Path
    files: tuple[Path, ...]
    written_at: dt.datetime  # the newest file's modification time (UTC)


Snapshot = dict[str, tuple[int, int]]  # file name → (size, mtime in ns)


def _snapshot(files: list[Path]) -> Snapshot:
    found: Snapshot = {}
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # gone meanwhile: the comparison reports it
        found[path.name] = (stat.st_size, stat.st_mtime_ns)
    return found


def _csv_files(directory: Path) -> list[Path]:
    """The export's CSV files directly in `directory` (hidden files left out)."""
    try:
        return sorted(
            path
            for path in directory.iterdir()
            if path.is_file() and path.suffix.lower() == ".csv" and not path.name.startswith(".")
        )
    except OSError as exc:
        raise SourceProblem(f"{directory}: cannot be read: {exc.strerror or exc}") from exc


# A date, optionally with a time, in an export folder's name: 2026-12-06, export_20261206,
# 20261206_0200, 2026-12-06T02-00-00.
_DATED = re.compile(
    r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})"
    r"(?:[T_ .-]?(\d{2})[-_.:h]?(\d{2})(?:[-_.:]?(\d{2}))?)?(?!\d)"
)


def export_moment(name: str) -> dt.datetime | None:
    """The date (and time) an export folder's name gives, e.g. `export_20261206` (else None)."""
    for match in _DATED.finditer(name):
        year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
        try:
            return dt.datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue  # digits that are no date, e.g. 20261399
    return None


def _newest_ns(files: list[Path]) -> int:
    return max((stamp for _size, stamp in _snapshot(files).values()), default=0)


def export_folders(directory: Path) -> list[tuple[Path, list[Path]]]:
    """The export subfolders of `directory` that hold CSV files, newest first.

    Newest by the date in their names when every one has a date (`2026-12-06/`,
    `export_20261206/`), else by their newest file. Links are not followed.
    """
    try:
        folders = [
            path
            for path in directory.iterdir()
            if path.is_dir() and not path.is_symlink() and not path.name.startswith(".")
        ]
    except OSError as exc:
        raise SourceProblem(f"{directory}: cannot be read: {exc.strerror or exc}") from exc
    found = [(folder, files) for folder in folders if (files := _csv_files(folder))]
    moments = {folder: export_moment(folder.name) for folder, _files in found}
    if all(moment is not None for moment in moments.values()):
        found.sort(key=lambda item: (moments[item[0]], _newest_ns(item[1])), reverse=True)
    else:
        found.sort(key=lambda item: (_newest_ns(item[1]), item[0].name), reverse=True)
    return found


def find_export(
    config: FolderSettings,
    since: dt.datetime | None,
    *,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Export:
    """The newest complete export of the folder, if it is new since `since`.

    The export is the folder's own CSV files, or, when it has none, the newest of its export
    subfolders (one per night, e.g. `2026-12-06/` or `export_20261206/`) that is complete; an
    older one is taken only while the newest is still incomplete and the older is new.
    Raises NoNewExport when nothing is newer than `since`, SourceProblem when the folder is
    missing or empty, or the export is incomplete (marker missing or older than the files, a
    file still being written).
    """
    directory = Path(config.path)
    if not directory.exists():
        raise SourceProblem(f"{directory}: folder not found")
    if not directory.is_dir():
        raise SourceProblem(f"{directory}: not a folder")
    files = _csv_files(directory)
    if files:
        return _complete_export(directory, files, config, since, now, sleep)
    candidates = export_folders(directory)
    if not candidates:
        raise SourceProblem(f"{directory}: the folder holds no CSV files (no export yet)")
    problem: SourceProblem | None = None
    for folder, folder_files in candidates:
        try:
            return _complete_export(folder, folder_files, config, since, now, sleep)
        except NoNewExport:
            if problem is not None:
                raise problem from None  # the newer export is incomplete; this one is done
            raise
        except SourceProblem as exc:
            problem = problem or exc  # try the next older export
    assert problem is not None
    raise problem


def _complete_export(
    directory: Path,
    files: list[Path],
    config: FolderSettings,
    since: dt.datetime | None,
    now: Callable[[], float],
    sleep: Callable[[float], None],
) -> Export:
    """`files` of `directory` as an export, if new since `since` and complete."""
    before = _snapshot(files)
    if not before:
        raise SourceProblem(f"{directory}: the export's files disappeared while reading them")
    newest_ns = max(mtime for _size, mtime in before.values())
    written_at = dt.datetime.fromtimestamp(newest_ns / 1e9, dt.UTC)
    if since is not None and written_at <= since:
        raise NoNewExport(f"{directory}: no export written since {since:%Y-%m-%d %H:%M} UTC")
    if config.marker:
        marker = directory / config.marker
        if not marker.is_file():
            raise SourceProblem(
                f"{directory}: the export is not complete: the marker file {config.marker!r} "
                "is missing"
            )
        if marker.stat().st_mtime_ns < newest_ns:
            raise SourceProblem(
                f"{directory}: the export is not complete: the marker file {config.marker!r} "
                "is older than the export's files (left from an earlier export?)"
            )
    age = now() - newest_ns / 1e9
    if age < config.settle_seconds:
        sleep(config.settle_seconds - age)
        after = _snapshot(_csv_files(directory))
        changed = sorted(name for name in before if after.get(name) != before[name])
        changed += sorted(f"{name} (new)" for name in after if name not in before)
        if changed:
            raise SourceProblem(
                f"{directory}: the export is still being written ({', '.join(changed)} changed "
                f"within {config.settle_seconds} s)"
            )
    return Export(directory, tuple(files), written_at)
