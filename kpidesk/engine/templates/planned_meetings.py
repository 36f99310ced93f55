"""`planned_meetings`: planned activities in the next `days` the user takes part in."""

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


class PlannedMeetings(KpiTemplate):
    spec = TemplateSpec(
        key="planned_meetings",
        name=Msg(da="Planlagte møder", en="Planned meetings"),
        description=Msg(
            da="Antal planlagte {types} de næste {days} dage, hvor brugeren deltager",
            en="Number of planned {types} in the next {days} days in which the user participates",
        ),
        params=(activity_types_param(["Salgsmøde"]), days_param(14)),
        unit="count",
        direction="higher",
        order=1,
    )

    def activities(self, ctx: RuleContext) -> ActivitySet:
        return activities_as_of(ctx, "planned", window=ctx.next_days(ctx.params["days"]))

    def values(self, ctx: RuleContext) -> Select[Any]:
        return participant_activity_count(ctx, self.activities(ctx))

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        return participant_activity_rows(ctx, user_id, self.activities(ctx))


TEMPLATE = PlannedMeetings()
