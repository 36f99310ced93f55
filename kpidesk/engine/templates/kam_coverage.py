"""`kam_coverage`: share of the user's customers with a done activity in the last `days`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Subquery

from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, activity_types_param, days_param
from kpidesk.engine.base import (
    ManagedCustomers,
    ratio,
)


class KamCoverage(ManagedCustomers):
    spec = TemplateSpec(
        key="kam_coverage",
        name=Msg(da="KAM-dækning", en="Key account coverage"),
        description=Msg(
            da="Andel af brugerens kunder (som key account manager), hvor brugeren har "
            "deltaget i gennemførte {types} de sidste {days} dage",
            en="Share of the user's customers (as key account manager) with completed {types} "
            "in the last {days} days in which the user participated",
        ),
        params=(activity_types_param(["Salgsmøde"]), days_param(90)),
        unit="percent",
        direction="higher",
        order=2,
        undefined=Msg(
            da="brugeren er ikke key account manager for nogen kunder",
            en="the user is key account manager of no customers",
        ),
    )

    def figure(self, managed: Subquery) -> ColumnElement[Any]:
        return ratio(managed.c.covered, managed.c.managed)


TEMPLATE = KamCoverage()
