"""`new_opportunities`: opportunities the user owns created in the last `days`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func

from kpidesk.data.models import Opportunity
from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, days_param
from kpidesk.engine.base import (
    OwnedOpportunities,
    RuleContext,
    opportunity_totals,
    per_user,
)


class NewOpportunities(OwnedOpportunities):
    spec = TemplateSpec(
        key="new_opportunities",
        name=Msg(da="Nye salgsmuligheder", en="New opportunities"),
        description=Msg(
            da="Antal salgsmuligheder, som brugeren ejer, oprettet de sidste {days} dage",
            en="Number of opportunities owned by the user created in the last {days} days",
        ),
        params=(days_param(30),),
        unit="count",
        direction="higher",
        order=10,
    )

    def conditions(self, ctx: RuleContext) -> list[ColumnElement[bool]]:
        window = ctx.last_days(int(ctx.params["days"]))
        return [Opportunity.created_at >= window.start, Opportunity.created_at < window.end]

    def listed_by(self) -> tuple[SQLColumnExpression[Any], str]:
        return Opportunity.created_at, "created"

    def values(self, ctx: RuleContext) -> Select[Any]:
        totals = opportunity_totals(ctx, self.conditions(ctx), n=func.count())
        return per_user(ctx, totals, func.coalesce(totals.c.n, 0))


TEMPLATE = NewOpportunities()
