"""The installation's data source for administrators: set it, show it, import from it now.

The command line (`kpidesk source …`, `kpidesk sync`) and later the Datakilde tab call these;
the nightly run imports through `kpidesk.data.source` directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kpidesk.data import settings
from kpidesk.data.crm_import import ImportFailed, ImportProgress, presets
from kpidesk.data.db import Database
from kpidesk.data.source import (
    BUILTIN_MAPPING,
    ImportInfo,
    SourceConfig,
    SyncResult,
    imports,
    mapping_for,
    read_config,
    write_config,
)
from kpidesk.data.source import sync as _sync
from kpidesk.services import audit
from kpidesk.services.caller import Caller, checked

__all__ = [
    "BUILTIN_MAPPING",
    "ImportInfo",
    "SourceError",
    "SourceView",
    "SyncResult",
    "mapping_presets",
    "mask",
    "recent_imports",
    "set_folder",
    "set_none",
    "show",
    "sync",
]

_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):[^@/\s]*@", re.I)


class SourceError(ValueError):
    """The source cannot be set up so; `problems` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems")
        self.problems = problems


def mask(text: str) -> str:
    """Hide a password in a URL (`scheme://user:secret@host` → `scheme://user:***@host`)."""
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


@dataclass(frozen=True)
class SourceView:
    """The data source as an administrator sees it: credentials masked."""

    kind: str
    path: str
    mapping: str
    marker: str
    settle_seconds: int
    last_import: ImportInfo | None

    def lines(self) -> list[str]:
        if self.kind == "none":
            return ["source: none (the nightly run calculates on the data imported by hand)"]
        out = [
            f"source: {self.kind}",
            f"path: {self.path}",
            f"mapping: {self.mapping}",
            f"marker: {self.marker or '(none)'}",
            f"settle time: {self.settle_seconds} s",
        ]
        last = self.last_import
        if last is None:
            out.append("last import: none yet")
        else:
            when = f"{last.started_at:%Y-%m-%d %H:%M} UTC"
            what = last.error.splitlines()[0] if last.error else ", ".join(
                f"{name} {rows}" for name, rows in last.rows.items()
            )  # fmt: skip
            out.append(f"last import: {when}, {last.status}: {mask(what)}")
        return out


@checked
def show(db: Database, caller: Caller) -> SourceView:
    caller.require_admin()
    with db.session() as session:
        config = read_config(session)
    latest = imports(db, limit=1)
    return SourceView(
        kind=config.kind, path=mask(config.path), mapping=mask(config.mapping),
        marker=config.marker, settle_seconds=config.settle_seconds,
        last_import=latest[0] if latest else None,
    )  # fmt: skip


@checked
def set_folder(
    db: Database,
    caller: Caller,
    path: str,
    mapping: str = BUILTIN_MAPPING,
    marker: str = "",
    settle_seconds: int | None = None,
) -> list[str]:
    """Make a folder the data source; returns warnings (e.g. the folder does not exist yet).

    The mapping must load now (a preset name, `kpidesk`, or a TOML file, stored as an
    absolute path), so a typo fails here and not at 02:00.
    """
    caller.require_admin()
    problems: list[str] = []
    if not path.strip():
        problems.append("the folder is required (--path)")
    if "/" in marker or "\\" in marker:
        problems.append(f"marker {marker!r}: a file name in the folder, not a path")
    mapping = mapping.strip() or BUILTIN_MAPPING
    try:
        mapping_for(mapping)
    except ImportFailed as exc:
        problems += exc.errors
    else:
        if Path(mapping).is_file():
            mapping = str(Path(mapping).resolve())
    if problems:
        raise SourceError(problems)
    folder = Path(path).expanduser()
    warnings = []
    if not folder.is_dir():
        warnings.append(f"{folder}: folder not found (yet); the nightly import will say so")
    with db.session(write=True) as session:
        current = read_config(session)
        config = SourceConfig(
            kind="folder", path=str(folder.resolve()) if folder.is_dir() else path.strip(),
            mapping=mapping, marker=marker.strip(),
            settle_seconds=current.settle_seconds if settle_seconds is None else settle_seconds,
        )  # fmt: skip
        try:
            write_config(session, config)
        except settings.SettingError as exc:
            raise SourceError([str(exc)]) from exc
        audit.record(
            session, actor=caller.login, action="update", entity="data_source", key="folder",
            details={"path": mask(config.path), "mapping": mask(config.mapping),
                     "marker": config.marker, "settle_seconds": config.settle_seconds},
        )  # fmt: skip
    return warnings


def mapping_presets() -> list[str]:
    """The mappings an administrator can pick by name: kpidesk's own format, then the presets."""
    return [BUILTIN_MAPPING, *presets()]


@checked
def set_none(db: Database, caller: Caller) -> None:
    """No data source: the nightly run calculates on the data imported by hand.

    The folder, mapping and the rest stay stored, so switching back is one choice.
    """
    caller.require_admin()
    with db.session(write=True) as session:
        current = read_config(session)
        if current.kind == "none":
            return
        settings.set_value(session, "source_kind", "none")
        audit.record(
            session, actor=caller.login, action="update", entity="data_source", key="none",
            details={"previous": current.kind},
        )  # fmt: skip


@checked
def sync(db: Database, caller: Caller, progress: ImportProgress | None = None) -> SyncResult:
    """`kpidesk sync`: the nightly run's import step alone (all or nothing), recorded."""
    caller.require_admin()
    return _sync(db, progress=progress)


@checked
def recent_imports(db: Database, caller: Caller, limit: int = 20) -> list[ImportInfo]:
    caller.require_admin()
    return imports(db, limit)
