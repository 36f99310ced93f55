"""Setup import/export on both databases: validation first, all or nothing, audited, round trip."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from kpidesk import paths
from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry, KpiRule, Profile, User
from kpidesk.services.caller import SYSTEM_CLI, Caller, PermissionDenied
from kpidesk.services.setup_io import SetupImportError, export_setup, import_setup

ADMIN = Caller(login="karen", role="admin", user_id=None)


def demo_setup() -> dict[str, Any]:
    return json.loads(paths.resource_path("demo", "setup.json").read_text(encoding="utf-8"))


@pytest.fixture
def people(db: Database) -> Database:
    with db.session(write=True) as session:
        session.add_all(
            [
                User(login="mette", name="Mette Sørensen", role="user"),
                User(login="jonas", name="Jonas Berg", role="user"),
                User(login="admin", name="Karen Holm", role="admin"),
            ]
        )
    return db


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_demo_setup_imports_and_round_trips(people: Database) -> None:
    data = demo_setup()
    data["assignments"] = {"mette": "Salg", "jonas": "Support", "admin": "Ledelse"}
    report = import_setup(people, ADMIN, data)
    assert sorted(report.profiles_created) == ["Ledelse", "Salg", "Support"]
    assert len(report.rules_created) == len(data["rules"])
    assert sorted(report.assignments_changed) == ["admin", "jonas", "mette"]

    exported = export_setup(people, ADMIN)
    assert exported["version"] == 1
    assert exported["profiles"] == ["Ledelse", "Salg", "Support"]
    assert exported["assignments"] == data["assignments"]
    by_name = {rule["name"]: rule for rule in exported["rules"]}
    meetings = by_name["Planlagte salgsmøder"]
    assert meetings == {
        "name": "Planlagte salgsmøder", "template": "planned_meetings",
        "params": {"activity_types": ["Salgsmøde"], "days": 14}, "target": 10,
        "profiles": ["Salg"], "active": True,
    }  # fmt: skip
    assert by_name["KAM-dækning"]["target"] == 0.8
    # The demo setup's shape: 4-5 rules for Salg, 3 each for Support and Ledelse.
    per_profile = {
        name: sum(name in rule["profiles"] for rule in exported["rules"])
        for name in exported["profiles"]
    }
    assert 4 <= per_profile["Salg"] <= 5 and per_profile["Support"] == 3
    assert per_profile["Ledelse"] == 3
    assert len({rule["template"] for rule in exported["rules"]}) >= 5

    # Importing the export again changes nothing and writes no audit entry.
    audit_before = count(people, AuditEntry)
    again = import_setup(people, ADMIN, json.loads(json.dumps(exported)))
    assert not again.changed
    assert sorted(again.rules_unchanged) == sorted(by_name)
    assert count(people, AuditEntry) == audit_before
    assert export_setup(people, ADMIN) == exported


def test_import_is_audited_as_the_caller(people: Database) -> None:
    import_setup(people, ADMIN, demo_setup())
    with people.session() as session:
        entries = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity,
                                         AuditEntry.entity_key)).all()  # fmt: skip
    assert {actor for actor, *_ in entries} == {"karen"}
    assert ("karen", "create", "rule", "KAM-dækning") in entries
    assert ("karen", "create", "profile", "Salg") in entries
    assert ("karen", "import", "setup", "") in entries


def test_rules_are_matched_by_name_and_updated(people: Database) -> None:
    import_setup(people, ADMIN, demo_setup())
    changed = demo_setup()
    changed["rules"] = [rule for rule in changed["rules"] if rule["name"] == "KAM-dækning"]
    changed["rules"][0].update(target=0.9, active=False, params={"days": 60})
    changed["rules"].append({"name": "Pipeline", "template": "pipeline_value", "target": 500000,
                             "profiles": ["salg"]})  # fmt: skip
    report = import_setup(people, SYSTEM_CLI, changed)
    assert report.rules_updated == ["KAM-dækning"]
    assert report.rules_created == ["Pipeline"]
    with people.session() as session:
        kam = session.scalar(select(KpiRule).where(KpiRule.name == "KAM-dækning"))
        assert kam is not None
        assert (kam.target, kam.active) == (0.9, False)
        assert kam.params == {"activity_types": ["Salgsmøde"], "days": 60}  # defaults filled
        pipeline = session.scalar(select(KpiRule).where(KpiRule.name == "Pipeline"))
        assert pipeline is not None and [p.name for p in pipeline.profiles] == ["Salg"]
        assert pipeline.active is True and pipeline.params == {"days": 30}
        update = session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "update", AuditEntry.entity_key == "KAM-dækning"
            )  # fmt: skip
        )
        assert update is not None and update.actor == "cli"
        assert update.details["target"] == {"old": 0.8, "new": 0.9}
        assert update.details["active"] == {"old": True, "new": False}
        assert "name" not in update.details
    # Rules the file does not mention are left alone.
    assert count(people, KpiRule) == len(demo_setup()["rules"]) + 1


def test_every_problem_is_reported_and_nothing_written(people: Database) -> None:
    bad = {
        "version": 2,
        "profiles": ["Salg", "salg", ""],
        "rules": [
            {"name": "A", "template": "no_such_template", "params": {}, "target": 1,
             "profiles": ["Salg"], "active": True},
            {"name": "B", "template": "planned_meetings", "params": {"days": 0}, "target": -1,
             "profiles": ["Ukendt"], "active": "yes"},
            {"name": "C", "template": "kam_coverage", "params": {"colour": "red"}, "target": 80,
             "profiles": []},
            {"name": "c", "template": "won_deals", "params": {"period": "week"}, "target": "10"},
            {"template": "won_deals", "target": 1, "extra": 1},
        ],
        "assignments": {"nobody": "Salg", "mette": "Ukendt"},
        "unexpected": True,
    }  # fmt: skip
    with pytest.raises(SetupImportError) as caught:
        import_setup(people, ADMIN, bad)
    text = "\n".join(caught.value.errors)
    for expected in (
        "version must be 1",
        "unknown key unexpected",
        "profile 'salg' is listed twice",
        "profiles[3]",
        "rule 'A': unknown template 'no_such_template'",
        "rule 'B'",
        "'days'",
        "the target must be a number ≥ 0",
        "unknown profile 'Ukendt'",
        "active must be true or false",
        "unknown parameter colour",
        "a percent target is a fraction",
        "rule 'c': the name is used by another rule",
        "'week'",
        "the target must be a number, not '10'",
        "rule 5: a rule needs a name",
        "unknown key extra",
        "assignments: unknown user 'nobody'",
        "assignments: user 'mette': unknown profile 'Ukendt'",
    ):
        assert expected in text, expected
    assert str(caught.value).startswith(f"{len(caught.value.errors)} problems")
    for model in (Profile, KpiRule, AuditEntry):
        assert count(people, model) == 0
    with people.session() as session:
        assert session.scalar(select(User.profile_id).where(User.login == "mette")) is None


def test_not_an_object_or_missing_rules(people: Database) -> None:
    with pytest.raises(SetupImportError, match="JSON object"):
        import_setup(people, ADMIN, [])  # type: ignore[arg-type]
    with pytest.raises(SetupImportError, match="rules must be a list"):
        import_setup(people, ADMIN, {"version": 1, "profiles": []})


def test_a_late_problem_leaves_earlier_valid_rules_unwritten(people: Database) -> None:
    data = demo_setup()
    data["rules"][-1]["target"] = None
    with pytest.raises(SetupImportError) as caught:
        import_setup(people, ADMIN, data)
    assert len(caught.value.errors) == 1
    assert count(people, KpiRule) == 0 and count(people, Profile) == 0


def test_assignment_can_clear_a_profile_and_matches_profiles_case_insensitively(
    people: Database,
) -> None:
    import_setup(people, ADMIN, {**demo_setup(), "assignments": {"METTE": "salg"}})
    with people.session() as session:
        assert session.scalar(
            select(Profile.name).join(User, User.profile_id == Profile.id)
            .where(User.login == "mette")
        ) == "Salg"  # fmt: skip
    report = import_setup(people, ADMIN, {"version": 1, "rules": [],
                                          "assignments": {"mette": None}})  # fmt: skip
    assert report.assignments_changed == ["mette"]
    with people.session() as session:
        assert session.scalar(select(User.profile_id).where(User.login == "mette")) is None


def test_only_admins(people: Database) -> None:
    user = Caller(login="mette", role="user", user_id=1)
    with pytest.raises(PermissionDenied):
        export_setup(people, user)
    with pytest.raises(PermissionDenied):
        import_setup(people, user, demo_setup())
    assert count(people, KpiRule) == 0


def test_input_is_not_modified(people: Database) -> None:
    data = demo_setup()
    original = copy.deepcopy(data)
    import_setup(people, ADMIN, data)
    assert data == original
