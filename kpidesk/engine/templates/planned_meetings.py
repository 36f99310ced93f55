"""`planned_meetings`: planned activities in the next `days` the user takes part in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select

from kpidesk.domain.templates import TemplateSpec, activity_types_param, days_param
from kpidesk.engine.base import (
    ExplainQuery,
    KpiTemplate,
    RuleContext,
    activity_conditions,
    participant_activity_count,
    participant_activity_rows,
)


class PlannedMeetings(KpiTemplate):
    spec = TemplateSpec(
        key="planned_meetings",
        name_da="Planlagte møder",
        name_en="Planned meetings",
        description_da="Antal planlagte {types} de næste {days} dage, hvor brugeren deltager",
        description_en="Number of planned {types} in the next {days} days "
        "in which the user participates",
        params=(activity_types_param(["Salgsmøde"]), days_param(14)),
        unit="count",
        direction="higher",
        order=1,
    )

    def conditions(self, ctx: RuleContext) -> list[ColumnElement[bool]]:
        return activity_conditions(ctx, "planned", window=ctx.next_days(ctx.params["days"]))

    def values(self, ctx: RuleContext) -> Select[Any]:
        return participant_activity_count(ctx, self.conditions(ctx))

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        return participant_activity_rows(user_id, self.conditions(ctx))


TEMPLATE = PlannedMeetings()
