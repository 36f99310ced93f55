"""Hand-made CRM data with known answers for the engine tests (both backends)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from kpidesk.data.db import Database
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    Company,
    KpiRule,
    KpiRuleProfile,
    Opportunity,
    Profile,
    Setting,
    User,
)

CPH = ZoneInfo("Europe/Copenhagen")


def local(d: dt.date, hour: int = 0, minute: int = 0, tz: ZoneInfo = CPH) -> dt.datetime:
    """An aware local datetime (what a CRM user typed), e.g. D 00:00 in Copenhagen."""
    return dt.datetime(d.year, d.month, d.day, hour, minute, tzinfo=tz)


class Builder:
    """Inserts rows with readable calls; ids are handed out in order."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._ids = itertools.count(1)

    def _insert(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            with self.db.connect(write=True) as conn:
                conn.execute(insert(model), list(rows))

    def setting(self, key: str, value: str) -> None:
        self._insert(Setting, [{"key": key, "value": value}])

    def profile(self, name: str) -> int:
        pid = next(self._ids)
        self._insert(Profile, [{"id": pid, "name": name}])
        return pid

    def user(self, login: str, profile_id: int | None, *, active: bool = True) -> int:
        uid = next(self._ids)
        self._insert(
            User,
            [{"id": uid, "login": login, "name": login.title(), "email": "", "role": "user",
              "active": active, "profile_id": profile_id}],
        )  # fmt: skip
        return uid

    def company(self, name: str, *, kam: int | None = None, customer: bool = True) -> int:
        cid = next(self._ids)
        self._insert(
            Company,
            [{"id": cid, "name": name, "is_customer": customer, "key_account_manager_id": kam}],
        )
        return cid

    def activity(
        self,
        start: dt.datetime,
        participants: Sequence[int],
        *,
        type: str = "Salgsmøde",
        status: str = "planned",
        company: int | None = None,
        owner: int | None = None,
    ) -> int:
        aid = next(self._ids)
        self._insert(
            Activity,
            [{"id": aid, "type": type, "status": status, "start_at": start, "end_at": None,
              "company_id": company, "owner_id": owner}],
        )  # fmt: skip
        self._insert(
            ActivityParticipant, [{"activity_id": aid, "user_id": u} for u in participants]
        )
        return aid

    def opportunity(
        self,
        owner: int | None,
        *,
        stage: str = "open",
        amount: str | int = 0,
        created: dt.datetime,
        closed: dt.datetime | None = None,
        expected_close: dt.date | None = None,
        company: int | None = None,
    ) -> int:
        oid = next(self._ids)
        self._insert(
            Opportunity,
            [{"id": oid, "name": f"Opp {oid}", "company_id": company, "owner_id": owner,
              "amount": Decimal(str(amount)), "stage": stage, "created_at": created,
              "expected_close": expected_close, "closed_at": closed}],
        )  # fmt: skip
        return oid

    def rule(
        self,
        name: str,
        template: str,
        params: dict[str, Any] | None,
        target: float,
        profiles: Sequence[int],
        *,
        active: bool = True,
    ) -> int:
        rid = next(self._ids)
        self._insert(
            KpiRule,
            [{"id": rid, "name": name, "template": template, "params": params or {},
              "target": target, "active": active}],
        )  # fmt: skip
        self._insert(KpiRuleProfile, [{"rule_id": rid, "profile_id": p} for p in profiles])
        return rid
