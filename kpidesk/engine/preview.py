"""What an unsaved rule would give today: the run's own statement, computed live."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kpidesk.data import settings
from kpidesk.data.db import Database
from kpidesk.data.models import User
from kpidesk.domain.templates import validate_params
from kpidesk.engine.base import RuleContext
from kpidesk.engine.catalogue import get_template
from kpidesk.engine.run import score_expression


@dataclass(frozen=True)
class PreviewRow:
    """One user's value and score as the rule would compute them now (None: undefined)."""

    user_id: int
    login: str
    name: str
    value: float | None
    score: float | None


def preview_rule(
    db: Database,
    template_key: str,
    params: Mapping[str, Any],
    target: float,
    profile_ids: Sequence[int],
    run_date: dt.date,
) -> list[PreviewRow]:
    """Every active user of `profile_ids` with value and score, by name; one statement.

    Raises `UnknownTemplate` or `ParamError` (one clear line) for a bad draft.
    """
    template = get_template(template_key)
    clean = validate_params(template.spec, params)
    with db.connect() as conn:
        tz = settings.timezone(conn)
        ctx = RuleContext.for_profiles(run_date, tz, clean, list(profile_ids))
        values = template.values(ctx).subquery("rule_values")
        statement = (
            select(
                User.id,
                User.login,
                User.name,
                values.c.value,
                score_expression(values.c.value, float(target), template.spec.direction),
            )
            .join(values, values.c.user_id == User.id)
            .order_by(User.name, User.login, User.id)
        )
        rows = conn.execute(statement).all()
    return [
        PreviewRow(
            int(user_id),
            login,
            name or "",
            None if value is None else float(value),
            None if score is None else float(score),
        )
        for user_id, login, name, value, score in rows
    ]
