"""`won_deals`: the user's opportunities won in the period to date (or the last `days`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func

from kpidesk.data.models import Opportunity
from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, days_param, period_param
from kpidesk.engine.base import (
    OwnedOpportunities,
    RuleContext,
    closed_in,
    opportunity_totals,
    per_user,
)


def won_conditions(ctx: RuleContext) -> list[ColumnElement[bool]]:
    """Won, closed in `period` to date (or in the last `days` when `period` is rolling)."""
    return [Opportunity.stage == "won", *closed_in(ctx, ctx.period_window())]


class WonDeals(OwnedOpportunities):
    spec = TemplateSpec(
        key="won_deals",
        name=Msg(da="Vundne ordrer", en="Won deals"),
        description=Msg(
            da="Antal af brugerens salgsmuligheder vundet {window}",
            en="Number of the user's opportunities won {window}",
        ),
        params=(period_param("month"), days_param(30)),
        unit="count",
        direction="higher",
        order=6,
    )

    def conditions(self, ctx: RuleContext) -> list[ColumnElement[bool]]:
        return won_conditions(ctx)

    def values(self, ctx: RuleContext) -> Select[Any]:
        totals = opportunity_totals(ctx, self.conditions(ctx), n=func.count())
        return per_user(ctx, totals, func.coalesce(totals.c.n, 0))


TEMPLATE = WonDeals()
