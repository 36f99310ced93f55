"""Database maintenance the CLI and selftest call: consistency checks, and the selftest's
steps below the GUI (drivers, schema, demo data, one calculation)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kpidesk.data.checks import CHECKS, Problem, run_checks
from kpidesk.data.db import Database, current_revision, head_revision, upgrade

if TYPE_CHECKING:
    from kpidesk.engine.summary import RunSummary

# Dialects the program must carry (loaded without connecting): the app's own databases and
# the `sql` data source's CRM database (e.g. SuiteCRM on MySQL/MariaDB).
DIALECT_URLS = (
    "sqlite://",
    "postgresql+psycopg://kpidesk@localhost/kpidesk",
    "mysql+pymysql://kpidesk@localhost/crm",
)


@dataclass(frozen=True)
class CheckReport:
    revision: str | None
    head: str
    problems: list[Problem]
    checks: list[str]  # the names of the checks that ran

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(db: Database) -> CheckReport:
    """Run every registered check; a schema behind the code counts as a problem too."""
    revision = current_revision(db)
    head = head_revision(db)
    problems: list[Problem] = []
    if revision != head:
        problems.append(
            Problem(
                "schema",
                f"at revision {revision or 'none'}, the program expects {head}; "
                "run kpidesk db upgrade",
            )  # fmt: skip
        )
    if revision is not None:
        problems.extend(run_checks(db))
    return CheckReport(revision, head, problems, [name for name, _check in CHECKS])


def loadable_dialects() -> list[str]:
    """`dialect+driver` of each of `DIALECT_URLS`: a frozen bundle that lacks one fails here."""
    from sqlalchemy import create_engine

    names = []
    for url in DIALECT_URLS:
        engine = create_engine(url)  # loads the dialect and driver; does not connect
        names.append(f"{engine.dialect.name}+{engine.dialect.driver}")
        engine.dispose()
    return names


def create_sqlite(path: Path) -> tuple[Database, str | None]:
    """A new SQLite database file at `path` with the schema from the migrations, and its
    revision (the selftest's scratch installation)."""
    db = Database(f"sqlite:///{path.as_posix()}")
    upgrade(db)
    return db, current_revision(db)


@dataclass(frozen=True)
class Counts:
    users: int
    activities: int
    rules: int


def counts(db: Database) -> Counts:
    """How many users, activities and KPI rules the database holds."""
    from sqlalchemy import func, select

    from kpidesk.data.models import Activity, KpiRule, User

    with db.session() as session:
        return Counts(
            users=session.scalar(select(func.count()).select_from(User)) or 0,
            activities=session.scalar(select(func.count()).select_from(Activity)) or 0,
            rules=session.scalar(select(func.count()).select_from(KpiRule)) or 0,
        )


def selftest_run(db: Database, day: dt.date) -> RunSummary:
    """One real calculation of `day` (trigger "selftest"), as the nightly run would do it."""
    from kpidesk.engine.run import run_for_date

    return run_for_date(db, day, trigger="selftest")
