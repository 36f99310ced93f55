"""The setup service on both databases: profiles, users, rules, guidance, audit, permissions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    AuditEntry,
    Company,
    KpiRule,
    Opportunity,
    Profile,
    User,
)
from kpidesk.services import people, settings, setup
from kpidesk.services.caller import Caller, PermissionDenied
from kpidesk.services.setup import RuleDraft, SetupError, ValidationError

TZ_OFFSET = dt.timedelta(hours=1)  # Europe/Copenhagen in winter


@dataclass
class Seed:
    admin: Caller
    anna: Caller  # a sales person (role user)
    salg: int
    support: int
    users: dict[str, int]
    today: dt.date


def seed_small(db: Database, today: dt.date | None = None) -> Seed:
    """A small, realistic CRM: two profiles, an admin and three sales/support people,
    customers with key account managers, planned and done meetings, and opportunities."""
    today = today or settings.today(db)
    midnight = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC) - TZ_OFFSET

    def at(days: float, hour: int = 10) -> dt.datetime:
        return midnight + dt.timedelta(days=days, hours=hour)

    with db.session(write=True) as session:
        salg = Profile(name="Salg")
        support = Profile(name="Support")
        session.add_all([salg, support])
        session.flush()
        users = [
            User(login="admin", name="Alice Admin", role="admin"),
            User(login="anna", name="Anna Andersen", profile_id=salg.id),
            User(login="bo", name="Bo Berg", profile_id=salg.id),
            User(login="carl", name="Carl Clausen", profile_id=support.id),
        ]
        session.add_all(users)
        session.flush()
        ids = {user.login: user.id for user in users}
        companies = [
            Company(id=1, name="Aarhus Tømrer ApS", key_account_manager_id=ids["anna"]),
            Company(id=2, name="Bornholm Fisk A/S", key_account_manager_id=ids["anna"]),
            Company(id=3, name="Cph Consult", key_account_manager_id=ids["anna"]),
            Company(id=4, name="Dansk Lys", key_account_manager_id=ids["bo"]),
            Company(id=5, name="Esbjerg El", key_account_manager_id=ids["bo"]),
        ]
        session.add_all(companies)
        session.flush()
        activity_id = 100
        plan: list[tuple[str, str, float, int, str]] = [
            # type, status, day offset from today, company, participant
            *[("Salgsmøde", "planned", d, 1 + d % 3, "anna") for d in range(1, 7)],
            ("Salgsmøde", "planned", 3, 4, "bo"),
            ("Salgsmøde", "planned", 20, 5, "bo"),  # outside 14 days
            ("Salgsmøde", "cancelled", 2, 4, "bo"),
            ("Salgsmøde", "done", -10, 1, "anna"),
            ("Salgsmøde", "done", -40, 2, "anna"),
            ("Salgsmøde", "done", -5, 4, "bo"),
            ("Opgave", "planned", -2, 3, "anna"),
            ("Telefonopkald", "done", -1, 5, "carl"),
            ("Support", "done", -3, 5, "carl"),
        ]
        for kind, status, offset, company, login in plan:
            activity_id += 1
            session.add(
                Activity(
                    id=activity_id,
                    type=kind,
                    status=status,
                    start_at=at(offset),
                    end_at=at(offset, 11),
                    company_id=company,
                    owner_id=ids[login],
                )  # fmt: skip
            )
            session.flush()
            session.add(ActivityParticipant(activity_id=activity_id, user_id=ids[login]))
        session.add_all(
            [
                Opportunity(
                    id=1, name="Tag", company_id=1, owner_id=ids["anna"], amount=1234567,
                    stage="won", created_at=at(-30), closed_at=at(-2),
                ),
                Opportunity(
                    id=2, name="Lys", company_id=4, owner_id=ids["bo"], amount=250000,
                    stage="open", created_at=at(-3), expected_close=today + dt.timedelta(days=9),
                ),
            ]
        )  # fmt: skip
    return Seed(
        admin=Caller("admin", "admin", ids["admin"]),
        anna=Caller("anna", "user", ids["anna"]),
        salg=salg.id,
        support=support.id,
        users=ids,
        today=today,
    )


@pytest.fixture
def seed(db: Database) -> Seed:
    return seed_small(db)


def audit_rows(db: Database, entity: str | None = None) -> list[AuditEntry]:
    with db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if entity:
            query = query.where(AuditEntry.entity == entity)
        return list(session.scalars(query))


def meetings_draft(seed: Seed, **changes: Any) -> RuleDraft:
    values: dict[str, Any] = {
        "name": "Planlagte salgsmøder",
        "template": "planned_meetings",
        "params": {"activity_types": ["Salgsmøde"], "days": 14},
        "target": 10,
        "profile_ids": (seed.salg,),
        "active": True,
    }
    values.update(changes)
    return RuleDraft(**values)


# --- profiles ----------------------------------------------------------------------------


def test_profiles_counts_create_rename(db: Database, seed: Seed) -> None:
    profiles = {p.name: p for p in people.list_profiles(db, seed.admin)}
    assert profiles["Salg"].users_count == 2 and profiles["Support"].users_count == 1
    created = people.create_profile(db, seed.admin, "  Ledelse ")
    assert created.name == "Ledelse"
    with pytest.raises(ValidationError) as error:
        people.create_profile(db, seed.admin, "ledelse")
    assert "name" in error.value.fields
    with pytest.raises(ValidationError):
        people.create_profile(db, seed.admin, "   ")
    people.rename_profile(db, seed.admin, created.id, "Direktion")
    assert "Direktion" in {p.name for p in people.list_profiles(db, seed.admin)}
    actions = [(a.action, a.entity, a.entity_key) for a in audit_rows(db, "profile")]
    assert actions == [("create", "profile", "Ledelse"), ("rename", "profile", "Direktion")]


def test_profile_delete_refused_while_used_names_users_and_rules(db: Database, seed: Seed) -> None:
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    with pytest.raises(SetupError) as error:
        people.delete_profile(db, seed.admin, seed.salg)
    message = str(error.value)
    assert "anna" in message and "bo" in message and "Planlagte salgsmøder" in message
    with pytest.raises(SetupError, match="carl"):
        people.delete_profile(db, seed.admin, seed.support)
    people.set_user_profile(db, seed.admin, seed.users["carl"], None)
    people.delete_profile(db, seed.admin, seed.support)
    assert {p.name for p in people.list_profiles(db, seed.admin)} == {"Salg"}
    assert audit_rows(db, "profile")[-1].action == "delete"


# --- users -------------------------------------------------------------------------------


def test_users_filter_and_profile_change(db: Database, seed: Seed) -> None:
    assert {u.login for u in people.list_users(db, seed.admin, seed.salg)} == {"anna", "bo"}
    everyone = {u.login: u for u in people.list_users(db, seed.admin)}
    assert everyone["admin"].profile_name is None and everyone["carl"].profile_name == "Support"
    people.set_user_profile(db, seed.admin, seed.users["carl"], seed.salg)
    assert {u.login for u in people.list_users(db, seed.admin, seed.salg)} == {"anna", "bo", "carl"}
    entry = audit_rows(db, "user")[-1]
    assert (entry.action, entry.entity_key, entry.details) == (
        "set_profile", "carl", {"old": "Support", "new": "Salg"},
    )  # fmt: skip
    with pytest.raises(SetupError):
        people.set_user_profile(db, seed.admin, seed.users["carl"], 999_999)


def test_set_user_password_goes_through_the_login_service(db: Database, seed: Seed) -> None:
    from kpidesk.services.auth import authenticate

    people.set_user_password(db, seed.admin, seed.users["bo"], "Kaffe-og-kage-42")
    assert authenticate(db, "bo", "Kaffe-og-kage-42", sleep=lambda _s: None).login == "bo"
    assert {u.login: u.has_password for u in people.list_users(db, seed.admin)}["bo"] is True


# --- rules -------------------------------------------------------------------------------


def test_rule_create_validates_everything_before_writing(db: Database, seed: Seed) -> None:
    bad = meetings_draft(seed, name=" ", params={"days": 0}, target=-1)
    with pytest.raises(ValidationError) as error:
        setup.create_rule(db, seed.admin, bad)
    assert set(error.value.fields) == {"name", "days", "target"}
    with pytest.raises(ValidationError) as error:
        setup.create_rule(db, seed.admin, meetings_draft(seed, params={"colour": "red"}))
    assert "colour" in str(error.value)
    with pytest.raises(ValidationError) as error:
        setup.create_rule(db, seed.admin, meetings_draft(seed, template="no_such_template"))
    assert "template" in error.value.fields
    with db.session() as session:
        assert session.scalar(select(func.count(KpiRule.id))) == 0
    assert audit_rows(db, "rule") == []

    rule = setup.create_rule(db, seed.admin, meetings_draft(seed, params={"days": 14}))
    assert rule.params == {"activity_types": ["Salgsmøde"], "days": 14}  # default filled in
    assert rule.profile_names == ("Salg",) and rule.active
    with pytest.raises(ValidationError) as error:
        setup.create_rule(db, seed.admin, meetings_draft(seed, name="planlagte SALGSMØDER"))
    assert "already exists" in error.value.fields["name"]
    entry = audit_rows(db, "rule")[-1]
    assert (entry.action, entry.actor, entry.details["target"]) == ("create", "admin", 10.0)


def test_rule_update_duplicate_activate_delete(db: Database, seed: Seed) -> None:
    rule = setup.create_rule(db, seed.admin, meetings_draft(seed))
    updated = setup.update_rule(
        db, seed.admin, rule.id,
        meetings_draft(seed, params={"days": 7}, target=5, profile_ids=(seed.salg, seed.support)),
    )  # fmt: skip
    assert updated.params["days"] == 7 and updated.target == 5
    assert updated.profile_names == ("Salg", "Support")
    change = audit_rows(db, "rule")[-1]
    assert change.action == "update" and change.details["target"] == {"old": 10.0, "new": 5.0}

    copy = setup.duplicate_rule(db, seed.admin, rule.id)
    again = setup.duplicate_rule(db, seed.admin, rule.id)
    assert copy.name == "Planlagte salgsmøder (kopi)" and not copy.active
    assert again.name == "Planlagte salgsmøder (kopi 2)"
    assert copy.params == updated.params and copy.profile_ids == updated.profile_ids

    assert setup.set_rule_active(db, seed.admin, copy.id, True).active
    assert audit_rows(db, "rule")[-1].action == "activate"
    setup.delete_rule(db, seed.admin, again.id)
    assert [r.name for r in setup.list_rules(db, seed.admin)] == [
        "Planlagte salgsmøder", "Planlagte salgsmøder (kopi)",
    ]  # fmt: skip
    assert audit_rows(db, "rule")[-1].action == "delete"
    with pytest.raises(SetupError, match=f"rule {again.id} does not exist"):
        setup.set_rule_active(db, seed.admin, again.id, True)


def test_percent_target_is_stored_as_a_fraction(db: Database, seed: Seed) -> None:
    rule = setup.create_rule(
        db, seed.admin,
        RuleDraft("KAM-dækning", "kam_coverage", {"days": 90}, 0.6, (seed.salg,)),
    )  # fmt: skip
    with db.session() as session:
        assert session.get(KpiRule, rule.id).target == pytest.approx(0.6)  # type: ignore[union-attr]


# --- guidance ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "level", "word"),
    [(0, "green", "Ingen"), (1, "green", "få"), (2, "green", "få"), (3, "green", "klart"),
     (5, "green", "klart"),
     (6, "amber", "mange"), (10, "amber", "mange"), (14, "amber", "mange"),
     (15, "red", "demotiverer"), (20, "red", "demotiverer")],
)  # fmt: skip
def test_rule_guidance(count: int, level: str, word: str) -> None:
    guidance = people.rule_guidance(count)
    assert guidance.level == level
    assert word in guidance.message("da") and guidance.message("en")
    if count == 1:  # the singular, in both languages
        assert guidance.message("en").startswith("1 active rule:")
        assert guidance.message("da").startswith("1 aktiv regel:")


def test_guidance_per_profile_counts_active_rules(db: Database, seed: Seed) -> None:
    for number in range(10):
        setup.create_rule(db, seed.admin, meetings_draft(seed, name=f"Regel {number}"))
    setup.create_rule(db, seed.admin, meetings_draft(seed, name="Slukket", active=False))
    # As the profiles table of KPI opsætning shows it: the count and its advice.
    active = {p.name: p.active_rules_count for p in people.list_profiles(db, seed.admin)}
    assert active == {"Salg": 10, "Support": 0}
    assert people.rule_guidance(active["Salg"]).level == "amber"
    assert people.rule_guidance(active["Support"]).level == "green"
    rules = setup.list_rules(db, seed.admin)
    counts = people.projected_rule_counts(
        rules, [seed.salg, seed.support], editing_rule_id=None, active=True
    )
    assert counts == {seed.salg: 11, seed.support: 1}
    editing = rules[0]
    assert people.projected_rule_counts(
        rules, [seed.salg], editing_rule_id=editing.id, active=False
    ) == {seed.salg: 9}  # fmt: skip


# --- activity types and preview --------------------------------------------------------


def test_activity_types_found_in_the_data(db: Database, seed: Seed) -> None:
    assert setup.activity_types(db, seed.admin) == [
        "Opgave", "Salgsmøde", "Support", "Telefonopkald",
    ]  # fmt: skip


def test_preview_gives_the_seed_example(db: Database, seed: Seed) -> None:
    rows = setup.preview(
        db, seed.admin, "planned_meetings", {"activity_types": ["Salgsmøde"], "days": 14}, 10,
        [seed.salg],
    )  # fmt: skip
    by_user = {row.user_id: row for row in rows}
    assert set(by_user) == {seed.users["anna"], seed.users["bo"]}
    assert by_user[seed.users["anna"]].value == 6
    assert by_user[seed.users["anna"]].score == pytest.approx(0.6)
    assert by_user[seed.users["bo"]].value == 1
    with pytest.raises(ValidationError) as error:
        setup.preview(db, seed.admin, "planned_meetings", {"days": 0}, 10, [seed.salg])
    assert "days" in error.value.fields


# --- permissions -------------------------------------------------------------------------


def test_a_user_gets_permission_denied_from_every_setup_function(db: Database, seed: Seed) -> None:
    rule = setup.create_rule(db, seed.admin, meetings_draft(seed))
    user = seed.anna
    calls = [
        lambda: people.list_profiles(db, user),
        lambda: people.create_profile(db, user, "X"),
        lambda: people.rename_profile(db, user, seed.salg, "X"),
        lambda: people.delete_profile(db, user, seed.support),
        lambda: people.list_users(db, user),
        lambda: people.list_users(db, user, seed.salg),
        lambda: people.set_user_profile(db, user, user.user_id or 0, seed.support),
        lambda: people.set_user_password(db, user, seed.users["bo"], "Hemmelig-123"),
        lambda: setup.list_rules(db, user),
        lambda: setup.create_rule(db, user, meetings_draft(seed, name="Ny")),
        lambda: setup.update_rule(db, user, rule.id, meetings_draft(seed, target=1)),
        lambda: setup.duplicate_rule(db, user, rule.id),
        lambda: setup.delete_rule(db, user, rule.id),
        lambda: setup.set_rule_active(db, user, rule.id, False),
        lambda: setup.activity_types(db, user),
        lambda: setup.preview(db, user, "planned_meetings", {}, 10, [seed.salg]),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    # nothing changed
    assert [r.target for r in setup.list_rules(db, seed.admin)] == [10.0]
    with db.session() as session:
        assert session.scalar(select(func.count(Profile.id))) == 2
        assert session.scalar(select(User.profile_id).where(User.login == "anna")) == seed.salg
    assert {a.actor for a in audit_rows(db)} == {"admin"}
