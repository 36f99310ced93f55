"""The installation's data source for administrators: set it, show it, import from it now.

The command line (`kpidesk source …`, `kpidesk sync`) and later the Datakilde tab call these;
the nightly run imports through `kpidesk.data.source` directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kpidesk.data import settings, sql_source
from kpidesk.data.crm_import import ImportFailed, ImportProgress, ImportReport, presets
from kpidesk.data.db import Database
from kpidesk.data.source import (
    BUILTIN_MAPPING,
    ImportInfo,
    SourceConfig,
    SyncResult,
    imports,
    mapping_for,
    read_config,
    sql_config,
    write_config,
)
from kpidesk.data.source import sync as _sync
from kpidesk.services import audit
from kpidesk.services.caller import Caller, checked

__all__ = [
    "BUILTIN_MAPPING",
    "ImportInfo",
    "check_sql",
    "SourceError",
    "SourceView",
    "SyncResult",
    "mapping_presets",
    "mask",
    "recent_imports",
    "set_folder",
    "set_none",
    "set_sql",
    "show",
    "url_with_password",
    "audit_import",
    "FROM_ENVIRONMENT",
    "sync",
]

FROM_ENVIRONMENT = sql_source.FROM_ENVIRONMENT  # the URL's password: from the environment only
_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):[^@/\s]*@", re.I)


class SourceError(ValueError):
    """The source cannot be set up so; `problems` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems")
        self.problems = problems


def mask(text: str) -> str:
    """Hide a password in a URL (`scheme://user:secret@host` → `scheme://user:***@host`)."""
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def url_with_password(url: str, password: str) -> str:
    """The URL with `password` put in (for `--ask-password`: it never sits in a command line)."""
    try:
        parsed = sql_source.parse_url(url)
    except sql_source.SqlSourceError as exc:
        raise SourceError([str(exc)]) from None
    if not parsed.username:
        raise SourceError([f"{mask(url)}: a password needs a user name in the URL (USER@HOST)"])
    return parsed.set(password=password).render_as_string(hide_password=False)


@dataclass(frozen=True)
class SourceView:
    """The data source as an administrator sees it: credentials masked."""

    kind: str
    path: str
    mapping: str
    marker: str
    settle_seconds: int
    last_import: ImportInfo | None
    # sql: `path` is the URL (password as ***); each query's time-out; where the password
    # comes from: "database" (the settings table), "environment" (KPIDESK_SOURCE_PASSWORD)
    # or "none".
    timeout_seconds: int = sql_source.DEFAULT_TIMEOUT
    password: str = "none"

    def lines(self) -> list[str]:
        if self.kind == "none":
            return ["source: none (the nightly run calculates on the data imported by hand)"]
        if self.kind == "sql":
            origin = {
                "database": "stored in kpidesk's database (not shown)",
                "environment": f"from the environment variable {sql_source.PASSWORD_ENV}",
            }.get(self.password, "none")
            out = [
                "source: sql",
                f"url: {self.path}",
                f"password: {origin}",
                f"mapping: {self.mapping}",
                f"time-out: {self.timeout_seconds} s per query",
            ]
        else:
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
        stored = sql_source.stored_password(session) if config.kind == "sql" else ""
    latest = imports(db, limit=1)
    path = mask(config.path)
    origin = "none"
    if config.kind == "sql":
        origin = sql_source.password_origin(stored)
        try:
            path = sql_source.shown(config.path, origin != "none")
        except sql_source.SqlSourceError:
            pass  # stored before a check existed: shown masked as it is
    return SourceView(
        kind=config.kind, path=path, mapping=mask(config.mapping),
        marker=config.marker, settle_seconds=config.settle_seconds,
        last_import=latest[0] if latest else None,
        timeout_seconds=config.timeout_seconds, password=origin,
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
        loaded = mapping_for(mapping)
    except ImportFailed as exc:
        problems += exc.errors
    else:
        if loaded.reads_queries:
            problems.append(f"mapping {mapping}: it reads a database: use kpidesk source set sql")
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
        _save(session, caller, config, "",  # a former sql source's password goes
              {"path": mask(config.path), "mapping": mask(config.mapping),
               "marker": config.marker, "settle_seconds": config.settle_seconds})  # fmt: skip
    return warnings


def _save(
    session: Session, caller: Caller, config: SourceConfig, password: str, details: dict[str, Any]
) -> None:
    """Store the source (each value through the settings' own checks), its password and the
    audit entry, in the caller's transaction."""
    try:
        write_config(session, config)
    except settings.SettingError as exc:
        raise SourceError([str(exc)]) from exc
    sql_source.store_password(session, password)
    audit.record(session, actor=caller.login, action="update", entity="data_source",
                 key=config.kind, details=details)  # fmt: skip


def mapping_presets(kind: str = "folder") -> list[str]:
    """The mappings an administrator can pick by name for a kind of source.

    A folder's: kpidesk's own five files, then the presets that read files; sql: the presets
    that hold a query per table. A preset that does not load is left out (the CLI names it).
    """
    wanted_queries = kind == "sql"
    names = [] if wanted_queries else [BUILTIN_MAPPING]
    for name in presets():
        try:
            reads_queries = mapping_for(name).reads_queries
        except ImportFailed:
            continue
        if reads_queries == wanted_queries:
            names.append(name)
    return names


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
def set_sql(
    db: Database,
    caller: Caller,
    url: str,
    mapping: str,
    timeout_seconds: int | None = None,
) -> list[str]:
    """Make the CRM's own database the data source; returns warnings, raises SourceError.

    `url` is any SQLAlchemy URL (`mysql+pymysql://user:password@host/db`, `postgresql://…`;
    `mysql://` and `postgresql://` get kpidesk's drivers). Its password is stored apart from
    the URL in kpidesk's database; a password written as `***` (as `show` gives it) keeps the
    stored one, none removes it (KPIDESK_SOURCE_PASSWORD in the environment, when set, wins
    over the stored one), `${KPIDESK_SOURCE_PASSWORD}` stores none and takes it from the
    environment only (processes without it leave the night to the scheduler service).
    `mapping` must hold one query per entity (e.g. `suitecrm-sql`). After saving, the source
    is tried (connect, each query's columns): what fails comes back as warnings, since the
    CRM may be down just now.
    """
    caller.require_admin()
    problems: list[str] = []
    parsed = None
    try:
        parsed = sql_source.parse_url(url)
    except sql_source.SqlSourceError as exc:
        problems.append(str(exc))
    mapping = mapping.strip()
    loaded = None
    if not mapping:
        problems.append("the mapping is required (--mapping), e.g. suitecrm-sql")
    else:
        try:
            loaded = mapping_for(mapping)
        except ImportFailed as exc:
            problems += exc.errors
        else:
            if not loaded.reads_queries:
                problems.append(
                    f"mapping {mapping}: it reads exported files, not a database: a sql source "
                    'needs query = "SELECT …" per entity (e.g. the preset suitecrm-sql)'
                )
            if Path(mapping).is_file():
                mapping = str(Path(mapping).resolve())
    if timeout_seconds is not None and not 1 <= timeout_seconds <= 86400:
        problems.append(f"time-out {timeout_seconds}: use whole seconds 1–86400 (--timeout)")
    if problems or parsed is None or loaded is None:
        raise SourceError(problems)
    with db.session(write=True) as session:
        current = read_config(session)
        stored = sql_source.stored_password(session)
        given = parsed.password or ""
        if given == sql_source.MASK:
            if not stored:
                raise SourceError(
                    ["the URL's password *** keeps the stored one, but none is stored"]
                )
            password, change = stored, "kept"
        elif given == sql_source.FROM_ENVIRONMENT:
            password, change = given, "environment"
        else:
            password, change = given, ("set" if given else "none")
        config = SourceConfig(
            kind="sql", path=sql_source.without_password(parsed), mapping=mapping,
            settle_seconds=current.settle_seconds,
            timeout_seconds=current.timeout_seconds if timeout_seconds is None else timeout_seconds,
        )  # fmt: skip
        shown = sql_source.shown(config.path, bool(password))
        _save(session, caller, config, password,
              {"url": shown, "password": change, "mapping": mask(config.mapping),
               "timeout_seconds": config.timeout_seconds})  # fmt: skip
    effective = sql_source.effective_password(password)
    source = sql_source.SqlSource(config.path, loaded, config.timeout_seconds, effective)
    return [
        f"the source could not be checked now: {problem}" for problem in sql_source.probe(source)
    ]


@checked
def sync(db: Database, caller: Caller, progress: ImportProgress | None = None) -> SyncResult:
    """`kpidesk sync` and "Importér nu": the nightly run's import step alone (all or nothing),
    recorded in `crm_imports` and, when it wrote data, audited with the caller.

    The audit entry follows the import's commit (as its `crm_imports` row does); an import
    another process made while this one waited for the sync lock is that process's own.
    """
    caller.require_admin()
    result = _sync(db, progress=progress)
    audit_import(db, caller, result)
    return result


@checked
def audit_import(db: Database, caller: Caller, result: SyncResult) -> None:
    """The audit entry of a sync that wrote data itself (`import crm_data <source>`, with the
    import's id and rows per entity); nothing for one that found nothing new, failed, or took
    over another process's import. The nightly run's sync (`scheduler/nightly.py`) calls it as
    `SYSTEM_SCHEDULER`."""
    if result.status != "imported" or result.report is None:
        return
    rows = result.last_good.rows if result.last_good is not None else {}
    with db.session(write=True) as session:
        audit.record(session, actor=caller.login, action="import", entity="crm_data",
                     key=result.source[-200:],
                     details={"source": "data source", "import_id": result.import_id,
                              "mapping": result.report.mapping, "rows": rows})  # fmt: skip


@checked
def check_sql(db: Database, caller: Caller, progress: ImportProgress | None = None) -> ImportReport:
    """`kpidesk sync --check` for a sql source: run every query, check every row, write nothing.

    The report's `check_lines()` show per entity how many rows map and the first rows as
    they would be stored; SourceError lists the problems (the import's own lines).
    """
    caller.require_admin()
    with db.session() as session:
        config = read_config(session)
    if config.kind != "sql":
        raise SourceError(
            ["--check reads a sql source; check a folder's export with "
             "kpidesk import-crm DIR --mapping MAPPING --check"]
        )  # fmt: skip
    try:
        return sql_source.import_sql(db, sql_config(db, config), check=True, progress=progress)
    except sql_source.SqlSourceError as exc:
        raise SourceError([str(exc)]) from None
    except ImportFailed as exc:
        raise SourceError(exc.errors) from None


@checked
def recent_imports(db: Database, caller: Caller, limit: int = 20) -> list[ImportInfo]:
    caller.require_admin()
    return imports(db, limit)
