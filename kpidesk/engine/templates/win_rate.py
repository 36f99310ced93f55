"""`win_rate`: won / (won + lost) of the user's opportunities closed in the last `days`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, case, func

from kpidesk.data.models import Opportunity
from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, days_param
from kpidesk.engine.base import (
    OwnedOpportunities,
    RuleContext,
    closed_in,
    opportunity_totals,
    per_user,
    ratio,
)


class WinRate(OwnedOpportunities):
    spec = TemplateSpec(
        key="win_rate",
        name=Msg(da="Hitrate", en="Win rate"),
        description=Msg(
            da="Andel vundne af brugerens salgsmuligheder lukket (vundet eller tabt) de "
            "sidste {days} dage",
            en="Share won of the user's opportunities closed (won or lost) in the last {days} days",
        ),
        params=(days_param(90),),
        unit="percent",
        direction="higher",
        order=9,
        undefined=Msg(
            da="ingen af brugerens salgsmuligheder er lukket i perioden",
            en="none of the user's opportunities closed in the period",
        ),
    )

    def conditions(self, ctx: RuleContext) -> list[ColumnElement[bool]]:
        return [
            Opportunity.stage.in_(["won", "lost"]),
            *closed_in(ctx, ctx.last_days(int(ctx.params["days"]))),
        ]

    def values(self, ctx: RuleContext) -> Select[Any]:
        won = func.sum(case((Opportunity.stage == "won", 1), else_=0), type_=Integer)
        totals = opportunity_totals(ctx, self.conditions(ctx), won=won, closed=func.count())
        return per_user(ctx, totals, ratio(totals.c.won, totals.c.closed))


TEMPLATE = WinRate()
