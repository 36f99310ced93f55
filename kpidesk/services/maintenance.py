"""Database maintenance the CLI and selftest call: consistency checks."""

from __future__ import annotations

from dataclasses import dataclass

from kpidesk.data.checks import CHECKS, Problem, run_checks
from kpidesk.data.db import Database, current_revision, head_revision


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
