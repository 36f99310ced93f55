"""Why a user's KPI has its value: the records behind it and, for coverage, the call list.

This is what the GUI's drill-down and `kpidesk kpi --explain` show. The rows are read live
with the windows of the run date, using the same filters as the run's statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.data import settings
from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRule, User
from kpidesk.domain.scoring import score
from kpidesk.domain.templates import describe
from kpidesk.domain.words import column_label, explanation_summary
from kpidesk.engine.base import RuleContext
from kpidesk.engine.run import prepare_rule


class ExplainError(LookupError):
    """No such rule or user; the message is one clear line."""


@dataclass(frozen=True)
class Explanation:
    """The records behind one user's value of one rule as of one date.

    `value` is recomputed live from the same data as `rows`; `stored_value` is what the run
    of that date wrote (None when there is no result, or it was undefined). `gap_rows` is
    the call list of coverage-like templates (customers still missing an activity).
    """

    rule_id: int
    rule: str
    template: str
    user_id: int
    run_date: dt.date
    unit: str
    direction: str
    value: float | None
    target: float
    score: float | None
    stored_value: float | None
    has_result: bool
    description: str
    summary: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    gap_columns: list[str] = field(default_factory=list)
    gap_rows: list[tuple[Any, ...]] = field(default_factory=list)

    def column_labels(self, lang: str = "da") -> list[str]:
        return [column_label(key, lang) for key in self.columns]

    def gap_column_labels(self, lang: str = "da") -> list[str]:
        return [column_label(key, lang) for key in self.gap_columns]


def _localise(row: tuple[Any, ...], tz: dt.tzinfo) -> tuple[Any, ...]:
    """Datetimes in the installation's time zone, amounts as floats: ready to show."""
    out: list[Any] = []
    for item in row:
        if isinstance(item, dt.datetime):
            item = item.astimezone(tz)
        elif isinstance(item, Decimal):
            item = float(item)
        out.append(item)
    return tuple(out)


def explain(
    db: Database, rule_id: int, user_id: int, run_date: dt.date, *, lang: str = "da"
) -> Explanation:
    """The records that make up `user_id`'s value of rule `rule_id` as of `run_date`."""
    with db.session() as session:
        rule = session.get(KpiRule, rule_id)
        if rule is None:
            raise ExplainError(f"no KPI rule with id {rule_id}")
        if session.get(User, user_id) is None:
            raise ExplainError(f"no user with id {user_id}")
        stored = session.execute(
            select(KpiResult.value, KpiResult.target).where(
                KpiResult.rule_id == rule_id,
                KpiResult.user_id == user_id,
                KpiResult.run_date == run_date,
            )
        ).first()
        currency = settings.get(session, "currency")
        return _explain(session, rule, user_id, run_date, stored, currency, lang)


def _explain(
    session: Session,
    rule: KpiRule,
    user_id: int,
    run_date: dt.date,
    stored: Any,
    currency: str,
    lang: str,
) -> Explanation:
    conn = session.connection()
    template, params = prepare_rule(rule)
    spec = template.spec
    tz = settings.timezone(conn)
    ctx = RuleContext.for_user(run_date, tz, params, user_id)
    value_row = conn.execute(template.values(ctx)).first()
    value = None if value_row is None or value_row.value is None else float(value_row.value)
    query = template.explain(ctx, user_id)
    rows = [_localise(tuple(row), tz) for row in conn.execute(query.rows)]
    gap_rows = (
        [_localise(tuple(row), tz) for row in conn.execute(query.gap_rows)]
        if query.gap_rows is not None
        else []
    )
    target = float(stored.target) if stored is not None else float(rule.target)
    the_score = score(value, target, spec.direction)
    summary = explanation_summary(
        lang,
        spec.unit,
        currency,
        value,
        target,
        the_score,
        spec.why_undefined(lang),
        len(gap_rows) if query.gap_rows is not None else None,
        len(rows),
    )
    return Explanation(
        rule_id=rule.id,
        rule=rule.name,
        template=spec.key,
        user_id=user_id,
        run_date=run_date,
        unit=spec.unit,
        direction=spec.direction,
        value=value,
        target=target,
        score=the_score,
        stored_value=None if stored is None or stored.value is None else float(stored.value),
        has_result=stored is not None,
        description=describe(spec, params, lang),
        summary=summary,
        columns=list(query.columns),
        rows=rows,
        gap_columns=list(query.gap_columns),
        gap_rows=gap_rows,
    )
