"""The administrators' team view: every active user × active rule from the latest successful
run, and its CSV export for Excel.

Reads stored results only, in a fixed number of queries whatever the size; `kpidesk.services.kpi`
reads one user's KPIs the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kpidesk.data import settings
from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRule, KpiRuleProfile, Profile, User
from kpidesk.domain.clock import Clock, local_today, system_clock
from kpidesk.domain.csvsafe import escape_cell
from kpidesk.domain.display import currency_sign
from kpidesk.domain.messages import Msg, define, say
from kpidesk.services.caller import Caller, checked
from kpidesk.services.kpi import latest_success, template_info


@dataclass(frozen=True)
class TeamRule:
    id: int
    name: str
    template: str
    unit: str
    direction: str
    target: float  # the rule's current target


@dataclass(frozen=True)
class TeamCell:
    value: float | None
    target: float
    score: float | None


@dataclass(frozen=True)
class TeamRow:
    user_id: int
    login: str
    name: str
    profile: str
    cells: dict[int, TeamCell]  # rule id → the user's stored result; absent: rule not theirs


define(
    "team.csv",
    {
        "name": Msg(da="Navn", en="Name"),
        "profile": Msg(da="Profil", en="Profile"),
        "score": Msg(da="{rule}: score (%)", en="{rule}: score (%)"),
    },
)


@dataclass(frozen=True)
class TeamScores:
    """Users × rules with the latest successful run's values and scores (the admin team view)."""

    run_date: dt.date | None
    computed_at: dt.datetime | None
    profile_id: int | None
    rules: list[TeamRule]
    rows: list[TeamRow]
    currency: str = "DKK"  # the installation's, for the amount columns' headings

    def to_csv(self, path: str | os.PathLike[str], language: str = "da") -> None:
        """Write a CSV that Danish Excel opens as is: `;` between fields, UTF-8 with BOM,
        decimal commas, text that could run as a formula escaped. Per rule the value in the
        unit people read (percent as 60, not 0.6) and the score in percent; an undefined
        value or score is an empty cell, never 0.
        Written to a temporary file first, so a failed export never leaves half a file.
        """
        header = ["Login", say("team.csv.name", language), say("team.csv.profile", language)]
        money = currency_sign(self.currency, language)
        for rule in self.rules:
            unit = {"percent": " (%)", "currency": f" ({money})"}.get(rule.unit, "")
            header.append(escape_cell(f"{rule.name}{unit}"))
            header.append(escape_cell(say("team.csv.score", language, rule=rule.name)))
        target = Path(path)
        fd, temporary = tempfile.mkstemp(prefix=".kpidesk-", suffix=".csv", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
                writer.writerow(header)
                for row in self.rows:
                    line = [escape_cell(text) for text in (row.login, row.name, row.profile)]
                    for rule in self.rules:
                        cell = row.cells.get(rule.id)
                        if cell is None:
                            line += ["", ""]
                            continue
                        shown = cell.value
                        if shown is not None and rule.unit == "percent":
                            shown *= 100
                        score = None if cell.score is None else cell.score * 100
                        line += [_excel_number(shown), _excel_number(score)]
                    writer.writerow(line)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _excel_number(value: float | None) -> str:
    """A number as Danish Excel parses it: decimal comma, no thousands separator."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").replace(".", ",")


@checked
def team_scores(
    db: Database,
    caller: Caller,
    profile_id: int | None = None,
    as_of: dt.date | None = None,
    *,
    clock: Clock = system_clock,
) -> TeamScores:
    """Active users (of one profile, or all with a profile) × active rules, from the latest
    successful run on or before as_of; administrators only. Four queries whatever the size."""
    caller.require_admin()
    with db.session() as session:
        if as_of is None:
            as_of = local_today(clock(), settings.timezone(session))
        latest = latest_success(session, as_of)
        currency = settings.get(session, "currency")
        run_date = latest.run_date if latest is not None else None
        finished_at = latest.finished_at if latest is not None else None

        users_query = (
            select(User.id, User.login, User.name, Profile.name)
            .join(Profile, Profile.id == User.profile_id)
            .where(User.active.is_(True))
            .order_by(Profile.name, User.login)
        )
        rules_query = (
            select(KpiRule.id, KpiRule.name, KpiRule.template, KpiRule.params, KpiRule.target)
            .where(KpiRule.active.is_(True))
            .order_by(KpiRule.id)
        )
        if profile_id is not None:
            users_query = users_query.where(User.profile_id == profile_id)
            applies = select(KpiRuleProfile.rule_id).where(KpiRuleProfile.profile_id == profile_id)
            rules_query = rules_query.where(KpiRule.id.in_(applies))
        else:
            rules_query = rules_query.where(
                KpiRule.id.in_(select(KpiRuleProfile.rule_id).distinct())
            )
        users = session.execute(users_query).all()
        rule_rows = session.execute(rules_query).all()

        cells: dict[int, dict[int, TeamCell]] = {}
        if run_date is not None and users and rule_rows:
            results_query = (
                select(
                    KpiResult.user_id,
                    KpiResult.rule_id,
                    KpiResult.value,
                    KpiResult.target,
                    KpiResult.score,
                )  # fmt: skip
                .join(User, User.id == KpiResult.user_id)
                .join(KpiRule, KpiRule.id == KpiResult.rule_id)
                .where(
                    KpiResult.run_date == run_date,
                    User.active.is_(True),
                    User.profile_id.is_not(None),
                    KpiRule.active.is_(True),
                )
            )
            if profile_id is not None:
                results_query = results_query.where(User.profile_id == profile_id)
            for user_id, rule_id, value, target, score in session.execute(results_query):
                cells.setdefault(user_id, {})[rule_id] = TeamCell(value, float(target), score)

    rules = []
    for row in rule_rows:
        info = template_info(row.template, row.params or {})
        rules.append(
            TeamRule(row.id, row.name, row.template, info.unit, info.direction, float(row.target))
        )
    rows = [
        TeamRow(user_id, login, name, profile, cells.get(user_id, {}))
        for user_id, login, name, profile in users
    ]
    return TeamScores(run_date, finished_at, profile_id, rules, rows, currency)
