"""`completed_activities`: done activities in the last `days` the user took part in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, activity_types_param, days_param
from kpidesk.engine.base import (
    ActivitySet,
    ExplainQuery,
    KpiTemplate,
    RuleContext,
    activities_as_of,
    participant_activity_count,
    participant_activity_rows,
)


class CompletedActivities(KpiTemplate):
    spec = TemplateSpec(
        key="completed_activities",
        name=Msg(da="Gennemførte aktiviteter", en="Completed activities"),
        description=Msg(
            da="Antal gennemførte {types} de sidste {days} dage, hvor brugeren deltog",
            en="Number of completed {types} in the last {days} days in which the user participated",
        ),
        params=(activity_types_param([]), days_param(30)),
        unit="count",
        direction="higher",
        order=3,
    )

    def activities(self, ctx: RuleContext) -> ActivitySet:
        return activities_as_of(ctx, "done", window=ctx.last_days(ctx.params["days"]))

    def values(self, ctx: RuleContext) -> Select[Any]:
        return participant_activity_count(ctx, self.activities(ctx))

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        return participant_activity_rows(ctx, user_id, self.activities(ctx))


TEMPLATE = CompletedActivities()
