"""A small, known CRM and KPI setup for the scheduler tests (real rows, both backends)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from kpidesk.data.db import Database
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    Company,
    KpiResult,
    KpiRule,
    KpiRun,
    Profile,
    User,
)

CPH = ZoneInfo("Europe/Copenhagen")
USERS = 6
RULES = ("Planlagte møder", "Gennemførte aktiviteter", "Møder næste 30 dage")


def seed(db: Database, around: dt.date, *, users: int = USERS) -> None:
    """`users` sellers of profile Salg, each with meetings around `around`, and three rules.

    User n has n+1 planned sales meetings in the coming days and n done activities in the
    last days, so every rule has a distinct, known value per user.
    """
    base = dt.datetime.combine(around, dt.time(10, 0), CPH)
    with db.session(write=True) as session:
        salg = Profile(name="Salg")
        session.add(salg)
        people = [
            User(login=f"seller{n}", name=f"Seller {n}", role="user", profile=salg)
            for n in range(users)
        ]
        session.add_all(people)
        session.add(Company(id=1, name="Kunde A/S", is_customer=True))
        session.flush()
        next_id = 1
        for n, person in enumerate(people):
            for k in range(n + 1):
                start = base + dt.timedelta(days=1 + k % 10)
                session.add(Activity(id=next_id, type="Salgsmøde", status="planned",
                                     start_at=start, company_id=1, owner_id=person.id))  # fmt: skip
                session.add(ActivityParticipant(activity_id=next_id, user_id=person.id))
                next_id += 1
            for k in range(n):
                start = base - dt.timedelta(days=1 + k % 20)
                session.add(Activity(id=next_id, type="Opgave", status="done",
                                     start_at=start, company_id=1, owner_id=person.id))  # fmt: skip
                session.add(ActivityParticipant(activity_id=next_id, user_id=person.id))
                next_id += 1
        session.add_all(
            [
                KpiRule(
                    name=RULES[0],
                    template="planned_meetings",
                    params={"days": 14},
                    target=10,
                    profiles=[salg],
                ),  # fmt: skip
                KpiRule(
                    name=RULES[1],
                    template="completed_activities",
                    params={"days": 30},
                    target=5,
                    profiles=[salg],
                ),  # fmt: skip
                KpiRule(
                    name=RULES[2],
                    template="planned_meetings",
                    params={"days": 30},
                    target=12,
                    profiles=[salg],
                ),  # fmt: skip
            ]
        )


def break_rule(db: Database, name: str = RULES[0]) -> None:
    """Store parameters the template refuses, as a broken import or hand edit would."""
    with db.session(write=True) as session:
        session.execute(update(KpiRule).where(KpiRule.name == name).values(params={"days": -5}))


def mend_rule(db: Database, name: str = RULES[0]) -> None:
    with db.session(write=True) as session:
        session.execute(update(KpiRule).where(KpiRule.name == name).values(params={"days": 14}))


def add_meeting(db: Database, login: str, start: dt.datetime) -> None:
    """One more planned meeting, so a new run of a date gives different results."""
    with db.session(write=True) as session:
        user_id = session.scalar(select(User.id).where(User.login == login))
        new_id = (session.scalar(select(func.max(Activity.id))) or 0) + 1
        session.add(Activity(id=new_id, type="Salgsmøde", status="planned", start_at=start,
                             company_id=1, owner_id=user_id))  # fmt: skip
        session.add(ActivityParticipant(activity_id=new_id, user_id=user_id))


def runs(db: Database) -> list[tuple[dt.date, str, str]]:
    """(date, status, trigger) of every run row, in the order they were started."""
    with db.session() as session:
        rows = session.execute(
            select(KpiRun.run_date, KpiRun.status, KpiRun.trigger).order_by(KpiRun.id)
        ).all()
        return [(d, s, t) for d, s, t in rows]


def run_rows(db: Database) -> list[KpiRun]:
    with db.session() as session:
        return list(session.scalars(select(KpiRun).order_by(KpiRun.id)))


def results(db: Database, day: dt.date) -> dict[tuple[int, int], tuple[float | None, int | None]]:
    """(user_id, rule_id) → (value, run_id) of one date."""
    with db.session() as session:
        rows = session.execute(
            select(KpiResult.user_id, KpiResult.rule_id, KpiResult.value, KpiResult.run_id).where(
                KpiResult.run_date == day
            )
        ).all()
        return {(u, r): (v, run) for u, r, v, run in rows}


def set_setting(db: Database, key: str, value: str) -> None:
    from kpidesk.data import settings

    with db.session(write=True) as session:
        settings.set_value(session, key, value)
