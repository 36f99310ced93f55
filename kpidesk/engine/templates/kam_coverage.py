"""`kam_coverage`: share of the user's customers with a done activity in the last `days`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

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
    ratio,
)


class KamCoverage(KpiTemplate):
    spec = TemplateSpec(
        key="kam_coverage",
        name=Msg(da="KAM-dækning", en="Key account coverage"),
        description=Msg(
            da="Andel af brugerens kunder (som key account manager), hvor brugeren har "
            "deltaget i gennemførte {types} de sidste {days} dage",
            en="Share of the user's customers (as key account manager) with completed {types} "
            "in the last {days} days in which the user participated",
        ),
        params=(activity_types_param(["Salgsmøde"]), days_param(90)),
        unit="percent",
        direction="higher",
        order=2,
        undefined=Msg(
            da="brugeren er ikke key account manager for nogen kunder",
            en="the user is key account manager of no customers",
        ),
    )

    def values(self, ctx: RuleContext) -> Select[Any]:
        window = ctx.last_days(ctx.params["days"])
        managed = managed_customers(ctx, activities_as_of(ctx, "done", window=window))
        return per_user(ctx, managed, ratio(managed.c.covered, managed.c.managed))

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        window = ctx.last_days(ctx.params["days"])
        return coverage_rows(ctx, user_id, activities_as_of(ctx, "done"), window)


TEMPLATE = KamCoverage()
