"""The demo organisation: deterministic, realistic, and varied enough for every KPI template."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from kpidesk.data import settings
from kpidesk.data.crm_import import import_crm
from kpidesk.data.db import Database
from kpidesk.data.demo import (
    ACTIVITY_TYPES,
    DEMO_LOGINS,
    DemoRefused,
    generate_demo,
    write_demo_export,
)
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    Company,
    Opportunity,
    Profile,
    User,
)
from tests.data.test_importer import snapshot, write

AS_OF = dt.date(2026, 3, 30)  # the day after the switch to summer time
CPH = ZoneInfo("Europe/Copenhagen")
FILES = ("users.csv", "companies.csv", "activities.csv", "activity_participants.csv")


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), CPH)


def test_same_seed_and_date_give_the_same_export(tmp_path: Path) -> None:
    options = {"users": 8, "activities": 1500, "as_of": AS_OF}
    write_demo_export(tmp_path / "a", seed=7, **options)  # type: ignore[arg-type]
    write_demo_export(tmp_path / "b", seed=7, **options)  # type: ignore[arg-type]
    write_demo_export(tmp_path / "c", seed=8, **options)  # type: ignore[arg-type]
    for name in (*FILES, "opportunities.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "activities.csv").read_bytes() != (
        tmp_path / "c" / "activities.csv"
    ).read_bytes()


def test_default_demo_is_a_varied_danish_sales_organisation(db: Database) -> None:
    report = generate_demo(db, as_of=AS_OF)
    assert report.file("activities.csv").inserted == 20_000
    now = local_midnight(AS_OF)
    with db.session() as s:
        _check_people(s)
        _check_companies(s)
        _check_activities(s, now)
        _check_opportunities(s, now)
        _check_kpi_spread(s, now)


def _check_people(s: Session) -> None:
    users = s.scalars(select(User)).all()
    assert len(users) == 25
    profiles = Counter(u.profile.name if u.profile else None for u in users)
    assert set(profiles) == {"Salg", "Support", "Ledelse"}
    assert profiles["Salg"] > profiles["Support"] > profiles["Ledelse"]
    admins = [u for u in users if u.role == "admin"]
    assert [(u.login, u.name, u.profile.name if u.profile else None) for u in admins] == [
        ("admin", "Karen Holm", "Ledelse")
    ]
    by_login = {u.login: u for u in users}
    assert set(DEMO_LOGINS) <= set(by_login)
    assert by_login["mette"].profile.name == "Salg"  # type: ignore[union-attr]
    assert by_login["jonas"].profile.name == "Support"  # type: ignore[union-attr]
    assert all(by_login[login].active for login in DEMO_LOGINS)
    assert len({u.name for u in users}) == 25
    assert all(u.email == f"{u.login}@nordlys.dk" for u in users)
    assert any(ch in "æøåÆØÅ" for u in users for ch in u.name)


def _check_companies(s: Session) -> None:
    companies = s.scalars(select(Company)).all()
    assert len(companies) == 500
    customers = [c for c in companies if c.is_customer]
    assert 0.7 * 500 <= len(customers) <= 0.9 * 500
    salg = set(s.scalars(select(User.id).join(Profile).where(Profile.name == "Salg")))
    assert all(c.key_account_manager_id in salg for c in customers)
    assert all(c.key_account_manager_id is None for c in companies if not c.is_customer)
    assert all(c.name.endswith(("A/S", "ApS", "I/S", "K/S")) for c in companies)
    assert len({c.name for c in companies}) >= 490


def _check_activities(s: Session, now: dt.datetime) -> None:
    first, last = s.execute(select(func.min(Activity.start_at), func.max(Activity.start_at))).one()
    assert local_midnight(AS_OF - dt.timedelta(days=730)) <= first < now - dt.timedelta(days=700)
    assert now + dt.timedelta(days=50) < last < local_midnight(AS_OF + dt.timedelta(days=60))
    kinds = Counter(
        dict(s.execute(select(Activity.type, func.count()).group_by(Activity.type)).all())
    )
    assert set(kinds) == set(ACTIVITY_TYPES)
    assert kinds["Salgsmøde"] > 3000
    statuses = dict(
        s.execute(
            select(Activity.status, func.count())
            .where(Activity.start_at >= now)
            .group_by(Activity.status)
        ).all()
    )
    assert list(statuses) == ["planned"]
    past = Counter(
        dict(
            s.execute(
                select(Activity.status, func.count())
                .where(Activity.start_at < now)
                .group_by(Activity.status)
            ).all()
        )
    )
    assert past["done"] > 10 * past["cancelled"] > 0
    overdue = s.execute(
        select(Activity.type, func.min(Activity.start_at))
        .where(Activity.start_at < now, Activity.status == "planned")
        .group_by(Activity.type)
    ).all()
    assert [kind for kind, _ in overdue] == ["Opgave"]
    assert overdue[0][1] >= now - dt.timedelta(days=46)
    without_owner = s.scalar(
        select(func.count())
        .select_from(Activity)
        .where(
            ~exists().where(
                ActivityParticipant.activity_id == Activity.id,
                ActivityParticipant.user_id == Activity.owner_id,
            )
        )
    )
    assert without_owner == 0
    participants = s.scalar(select(func.count()).select_from(ActivityParticipant))
    assert 20_000 < participants < 30_000  # the owner, sometimes colleagues


def _check_opportunities(s: Session, now: dt.datetime) -> None:
    opportunities = s.scalars(select(Opportunity)).all()
    assert len(opportunities) == 1000
    stages = Counter(o.stage for o in opportunities)
    assert stages["won"] > 100 and stages["lost"] > 100 and stages["open"] > 50
    for o in opportunities:
        assert o.amount > 0 and o.created_at < now
        if o.stage == "open":
            assert o.closed_at is None and o.expected_close is not None
        else:
            assert o.closed_at is not None and o.created_at < o.closed_at < now


def _check_kpi_spread(s: Session, now: dt.datetime) -> None:
    """The seed templates of issue 3 give different, believable values per sales person."""
    salg = s.scalars(select(User.id).join(Profile).where(Profile.name == "Salg")).all()
    in_14 = now + dt.timedelta(days=14)
    planned = dict(
        s.execute(
            select(ActivityParticipant.user_id, func.count())
            .join(Activity, Activity.id == ActivityParticipant.activity_id)
            .where(
                Activity.type == "Salgsmøde",
                Activity.status == "planned",
                Activity.start_at >= now,
                Activity.start_at < in_14,
            )
            .group_by(ActivityParticipant.user_id)
        ).all()
    )
    meetings = [planned.get(user, 0) for user in salg]
    assert all(1 <= count <= 16 for count in meetings), meetings
    assert max(meetings) - min(meetings) >= 4, meetings

    since = now - dt.timedelta(days=90)
    met = and_(
        Activity.company_id == Company.id,
        Activity.type == "Salgsmøde",
        Activity.status == "done",
        Activity.start_at >= since,
        Activity.start_at < now,
        ActivityParticipant.activity_id == Activity.id,
        ActivityParticipant.user_id == Company.key_account_manager_id,
    )
    coverage = {
        user: covered / total
        for user, total, covered in s.execute(
            select(
                Company.key_account_manager_id,
                func.count(),
                func.count().filter(exists().where(met)),
            )
            .where(Company.is_customer.is_(True))
            .group_by(Company.key_account_manager_id)
        ).all()
    }
    assert set(coverage) == set(salg)
    assert min(coverage.values()) <= 0.45 and max(coverage.values()) >= 0.85, coverage

    overdue = dict(
        s.execute(
            select(ActivityParticipant.user_id, func.count())
            .join(Activity, Activity.id == ActivityParticipant.activity_id)
            .where(Activity.type == "Opgave", Activity.status == "planned", Activity.start_at < now)
            .group_by(ActivityParticipant.user_id)
        ).all()
    )
    slipping = [overdue.get(user, 0) for user in salg]
    assert 0 in slipping and max(slipping) >= 2, slipping


def test_demo_refuses_a_database_with_crm_data(db: Database, tmp_path: Path) -> None:
    write(tmp_path / "crm", "companies.csv", "id,name,is_customer\n1,Rigtig Kunde A/S,ja\n")
    import_crm(db, tmp_path / "crm")
    before = snapshot(db)
    with pytest.raises(DemoRefused, match=r"already holds CRM data \(1 companies\)"):
        generate_demo(db, users=3, activities=10, as_of=AS_OF)
    assert snapshot(db) == before


def test_demo_scales_with_users_and_activities(db: Database) -> None:
    generate_demo(db, users=40, activities=3000, seed=3, as_of=AS_OF)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 40
        assert s.scalar(select(func.count()).select_from(Company)) == 800
        assert s.scalar(select(func.count()).select_from(Activity)) == 3000
        assert s.scalar(select(func.count()).select_from(User).where(User.role == "admin")) == 1
        inactive = s.scalars(select(User.login).where(User.active.is_(False))).all()
        assert len(inactive) == 1 and inactive[0] not in DEMO_LOGINS
        inactive_last = s.scalar(
            select(func.max(Activity.start_at))
            .join(User, User.id == Activity.owner_id)
            .where(User.active.is_(False))
        )
        assert inactive_last is not None and inactive_last < local_midnight(AS_OF) - dt.timedelta(
            days=365
        )


def test_demo_date_defaults_to_today_in_the_installation_time_zone(db: Database) -> None:
    with db.session(write=True) as s:
        settings.set_value(s, "timezone", "Pacific/Auckland")
    generate_demo(db, users=3, activities=600)
    tz = ZoneInfo("Pacific/Auckland")
    today = dt.datetime.now(tz).date()
    midnight = dt.datetime.combine(today, dt.time(), tz)
    with db.session() as s:
        planned_from = s.scalar(
            select(func.min(Activity.start_at)).where(
                Activity.status == "planned", Activity.type != "Opgave"
            )
        )
        done_until = s.scalar(select(func.max(Activity.start_at)).where(Activity.status == "done"))
        logins = set(s.scalars(select(User.login)))
    assert planned_from is not None and planned_from >= midnight
    assert done_until is not None and done_until < midnight
    assert logins == set(DEMO_LOGINS)


def test_demo_history_is_as_it_was(db: Database) -> None:
    """Past nights see meetings booked then and tasks open then, like a real team's history."""
    from kpidesk.data.models import KpiResult
    from kpidesk.engine.run import run_for_date
    from tests.engine.builders import Builder

    generate_demo(db, as_of=AS_OF)
    now = local_midnight(AS_OF)
    with db.session() as s:
        rows = s.execute(
            select(Activity.type, Activity.status, Activity.start_at, Activity.created_at,
                   Activity.completed_at)
        ).all()  # fmt: skip
        salg = s.scalar(select(Profile.id).where(Profile.name == "Salg"))
    assert all(created is not None and created < now for _, _, _, created, _ in rows)
    for kind, status, start, created, completed in rows:
        assert (completed is None) == (status == "planned"), (kind, status, start, completed)
        assert completed is None or created <= completed < now
    ahead = sorted((start - created).days for kind, _, start, created, _ in rows
                   if kind == "Salgsmøde")  # fmt: skip
    assert 2 <= ahead[len(ahead) // 2] <= 30  # sales meetings are booked days to weeks ahead

    assert salg is not None
    b = Builder(db)
    b._ids = iter(range(900_000, 900_010))  # clear of the demo's ids
    meetings = b.rule("Møder", "planned_meetings", {}, 4, [salg])
    overdue = b.rule("Forfaldne", "overdue_activities", {}, 2, [salg])
    nights = [AS_OF - dt.timedelta(days=days) for days in (120, 100, 80, 60, 30, 7, 0)]
    for night in nights:
        assert run_for_date(db, night).status == "success"
    with db.session() as s:
        totals = dict(
            s.execute(
                select(KpiResult.run_date, func.sum(KpiResult.value))
                .where(KpiResult.rule_id == meetings)
                .group_by(KpiResult.run_date)
            ).all()
        )
        late = dict(
            s.execute(
                select(KpiResult.run_date, func.sum(KpiResult.value))
                .where(KpiResult.rule_id == overdue)
                .group_by(KpiResult.run_date)
            ).all()
        )
    today = totals[AS_OF]
    assert today > 20
    # Past nights had about as many meetings ahead of them as today (not 0, as when the
    # statuses of today were applied to the past), and some tasks were overdue then too.
    assert all(0.5 * today <= totals[night] <= 1.5 * today for night in nights), totals
    assert all(late[night] > 0 for night in nights), late
