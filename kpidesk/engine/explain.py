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
from kpidesk.engine.base import RuleContext
from kpidesk.engine.run import prepare_rule

# Column keys of explanations, with their labels; front ends translate keys through this.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "activity": {"da": "Aktivitet", "en": "Activity"},
    "start": {"da": "Start", "en": "Start"},
    "type": {"da": "Type", "en": "Type"},
    "status": {"da": "Status", "en": "Status"},
    "company": {"da": "Firma", "en": "Company"},
    "company_id": {"da": "Firma-id", "en": "Company id"},
    "last_activity": {"da": "Seneste i perioden", "en": "Latest in period"},
    "last_ever": {"da": "Seneste nogensinde", "en": "Latest ever"},
    "opportunity_id": {"da": "Salgsmulighed-id", "en": "Opportunity id"},
    "opportunity": {"da": "Salgsmulighed", "en": "Opportunity"},
    "amount": {"da": "Beløb", "en": "Amount"},
    "stage": {"da": "Fase", "en": "Stage"},
    "closed": {"da": "Lukket", "en": "Closed"},
    "created": {"da": "Oprettet", "en": "Created"},
    "expected_close": {"da": "Forventet lukning", "en": "Expected close"},
}


class ExplainError(LookupError):
    """No such rule or user; the message is one clear line."""


def column_label(key: str, lang: str = "da") -> str:
    labels = COLUMN_LABELS.get(key)
    if labels is None:
        return key
    return labels["en" if lang == "en" else "da"]


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


def format_value(value: float | None, unit: str, lang: str = "da", currency: str = "DKK") -> str:
    """A value as people read it: `6`, `60 %`, `12.500 DKK`; `–` when undefined."""
    if value is None:
        return "–"
    if unit == "percent":
        text = f"{value * 100:.0f} %"
    elif unit == "currency":
        text = f"{value:,.0f} {currency}"
    else:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if lang != "en":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _summary(
    lang: str,
    unit: str,
    currency: str,
    value: float | None,
    target: float,
    the_score: float | None,
    undefined: str,
    gaps: int | None,
    managed: int,
) -> str:
    da = lang != "en"
    if value is None:
        reason = f" ({undefined})" if undefined else ""
        return ("Ingen værdi" if da else "No value") + reason
    text = (
        f"{format_value(value, unit, lang, currency)} "
        f"{'mod målet' if da else 'against a target of'} "
        f"{format_value(target, unit, lang, currency)}"
    )
    if the_score is not None:
        text += f" ({format_value(the_score, 'percent', lang)})"
    if gaps is not None:
        if da:
            text += f"; {gaps} af {managed} kunder mangler"
        else:
            text += f"; {gaps} of {managed} customers missing"
    return text


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
    summary = _summary(
        lang,
        spec.unit,
        currency,
        value,
        target,
        the_score,
        spec.undefined(lang),
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
