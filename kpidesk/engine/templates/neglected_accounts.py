"""`neglected_accounts`: the user's customers with no done activity in the last `days`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Subquery, func

from kpidesk.domain.messages import Msg
from kpidesk.domain.templates import TemplateSpec, activity_types_param, days_param
from kpidesk.engine.base import (
    ManagedCustomers,
)


class NeglectedAccounts(ManagedCustomers):
    spec = TemplateSpec(
        key="neglected_accounts",
        name=Msg(da="Forsømte kunder", en="Neglected accounts"),
        description=Msg(
            da="Antal af brugerens kunder (som key account manager) uden gennemførte {types} "
            "de sidste {days} dage, hvor brugeren deltog",
            en="Number of the user's customers (as key account manager) without completed "
            "{types} in the last {days} days in which the user participated",
        ),
        params=(activity_types_param([]), days_param(60)),
        unit="count",
        direction="lower",
        order=5,
    )

    def figure(self, managed: Subquery) -> ColumnElement[Any]:
        return func.coalesce(managed.c.managed, 0) - func.coalesce(managed.c.covered, 0)


TEMPLATE = NeglectedAccounts()
