"""`overdue_activities`: planned activities that started before D, user as participant."""

from __future__ import annotations

from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, activity_types_param
from kpidesk.engine.base import (
    ActivitySet,
    ParticipantActivities,
    RuleContext,
    activities_as_of,
)


class OverdueActivities(ParticipantActivities):
    spec = TemplateSpec(
        key="overdue_activities",
        name=Msg(da="Forfaldne aktiviteter", en="Overdue activities"),
        description=Msg(
            da="Antal {types}, der stadig er planlagte, men startede før i dag, hvor brugeren "
            "deltager",
            en="Number of {types} still planned that started before today in which the user "
            "participates",
        ),
        params=(activity_types_param(["Opgave"]),),
        unit="count",
        direction="lower",
        order=4,
    )

    def activities(self, ctx: RuleContext) -> ActivitySet:
        return activities_as_of(ctx, "planned", before=ctx.now())


TEMPLATE = OverdueActivities()
