"""`completed_activities`: done activities in the last `days` the user took part in."""

from __future__ import annotations

from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, activity_types_param, days_param
from kpidesk.engine.base import (
    ActivitySet,
    ParticipantActivities,
    RuleContext,
    activities_as_of,
)


class CompletedActivities(ParticipantActivities):
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


TEMPLATE = CompletedActivities()
