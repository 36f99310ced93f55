"""`planned_meetings`: planned activities in the next `days` the user takes part in."""

from __future__ import annotations

from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, activity_types_param, days_param
from kpidesk.engine.base import (
    ActivitySet,
    ParticipantActivities,
    RuleContext,
    activities_as_of,
)


class PlannedMeetings(ParticipantActivities):
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


TEMPLATE = PlannedMeetings()
