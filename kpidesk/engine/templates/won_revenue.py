"""`won_revenue`: the amount of the user's opportunities won in the period to date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func

from kpidesk.data.models import Opportunity
from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, days_param, period_param
from kpidesk.engine.base import (
    OwnedOpportunities,
    RuleContext,
    cents_to_float,
    money,
    opportunity_totals,
    per_user,
)
from kpidesk.engine.templates.won_deals import won_conditions


class WonRevenue(OwnedOpportunities):
    spec = TemplateSpec(
        key="won_revenue",
        name=Msg(da="Vundet omsætning", en="Won revenue"),
        description=Msg(
            da="Samlet beløb af brugerens salgsmuligheder vundet {window}",
            en="Total amount of the user's opportunities won {window}",
        ),
        params=(period_param("month"), days_param(30)),
        unit="currency",
        direction="higher",
        order=7,
    )

    def conditions(self, ctx: RuleContext) -> list[ColumnElement[bool]]:
        return won_conditions(ctx)

    def values(self, ctx: RuleContext) -> Select[Any]:
        totals = opportunity_totals(ctx, self.conditions(ctx), cents=money(Opportunity.amount))
        return per_user(ctx, totals, cents_to_float(func.coalesce(totals.c.cents, 0)))


TEMPLATE = WonRevenue()
