"""`pipeline_value`: the amount of the user's open opportunities expected to close soon."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func

from kpidesk.data.models import Opportunity
from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, days_param
from kpidesk.engine.base import (
    OwnedOpportunities,
    RuleContext,
    cents_to_float,
    money,
    open_at,
    opportunity_totals,
    per_user,
)


class PipelineValue(OwnedOpportunities):
    spec = TemplateSpec(
        key="pipeline_value",
        name=Msg(da="Pipeline", en="Pipeline value"),
        description=Msg(
            da="Samlet beløb af brugerens åbne salgsmuligheder med forventet lukning de næste "
            "{days} dage",
            en="Total amount of the user's open opportunities expected to close in the next "
            "{days} days",
        ),
        params=(days_param(30),),
        unit="currency",
        direction="higher",
        order=8,
    )

    def conditions(self, ctx: RuleContext) -> list[ColumnElement[bool]]:
        # Expected close is a calendar date: the next n days are D … D+n−1.
        end = ctx.run_date + dt.timedelta(days=int(ctx.params["days"]))
        return [
            *open_at(ctx),
            Opportunity.expected_close >= ctx.run_date,
            Opportunity.expected_close < end,
        ]

    def listed_by(self) -> tuple[SQLColumnExpression[Any], str]:
        return Opportunity.expected_close, "expected_close"

    def values(self, ctx: RuleContext) -> Select[Any]:
        totals = opportunity_totals(ctx, self.conditions(ctx), cents=money(Opportunity.amount))
        return per_user(ctx, totals, cents_to_float(func.coalesce(totals.c.cents, 0)))


TEMPLATE = PipelineValue()
