"""`neglected_accounts`: the user's customers with no done activity in the last `days`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func

from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, activity_types_param, days_param
from kpidesk.engine.base import (
    ExplainQuery,
    KpiTemplate,
    RuleContext,
    activities_as_of,
    coverage_rows,
    managed_customers,
    per_user,
)


class NeglectedAccounts(KpiTemplate):
    spec = TemplateSpec(
        key="neglected_accounts",
        name=Msg(da="Forsømte kunder", en="Neglected accounts"),
        description=Msg(
            da="Antal af brugerens kunder (som key account manager) uden gennemførte {types} "
            "de sidste {days} dage, hvor brugeren deltog",
            en="Number of the user's customers (as key account manager) without completed "
            "{types} in the last {days} days in which the user participated",
        ),
        params=(activity_types_param([]), days_param(60)),
        unit="count",
        direction="lower",
        order=5,
    )

    def values(self, ctx: RuleContext) -> Select[Any]:
        window = ctx.last_days(ctx.params["days"])
        managed = managed_customers(ctx, activities_as_of(ctx, "done", window=window))
        neglected = func.coalesce(managed.c.managed, 0) - func.coalesce(managed.c.covered, 0)
        return per_user(ctx, managed, neglected)

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        window = ctx.last_days(ctx.params["days"])
        return coverage_rows(ctx, user_id, activities_as_of(ctx, "done"), window)


TEMPLATE = NeglectedAccounts()
