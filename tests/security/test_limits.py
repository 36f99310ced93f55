"""Sizes are bounded with a clear error: activity types per rule, name lengths, rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.domain import limits
from kpidesk.services import setup
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.setup_io import SetupImportError, import_setup


def rule(name: str, types: list[str] | None = None) -> dict[str, object]:
    params = {"activity_types": types} if types is not None else {}
    return {"name": name, "template": "completed_activities", "params": params, "target": 3,
            "profiles": [], "active": True}  # fmt: skip


def setup_file(tmp_path: Path, rules: list[dict[str, object]]) -> Path:
    path = tmp_path / "setup.json"
    path.write_text(json.dumps({"version": 1, "profiles": [], "rules": rules}), encoding="utf-8")
    return path


def rule_count(db: Database) -> int:
    return len(setup.list_rules(db, SYSTEM_CLI))


def test_too_many_activity_types_is_one_line(
    db_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    types = [f"Type {n}" for n in range(100_000)]
    path = setup_file(tmp_path, [rule("Mange typer", types)])
    assert main(["--db", db_url, "setup", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 2  # "1 problem in FILE …" and the problem's line
    assert "Traceback" not in err
    assert f"at most {limits.MAX_ACTIVITY_TYPES_PER_RULE} activity types per rule" in err
    assert "not 100000" in err
    assert rule_count(db) == 0
    exactly = [f"Type {n}" for n in range(limits.MAX_ACTIVITY_TYPES_PER_RULE)]
    import_setup(db, SYSTEM_CLI, json.loads(setup_file(tmp_path, [rule("Nok", exactly)])
                                            .read_text()))  # fmt: skip
    assert rule_count(db) == 1


def test_long_names_are_refused(db: Database) -> None:
    long_type = "x" * (limits.ACTIVITY_TYPE_MAX + 1)
    with pytest.raises(SetupImportError, match="at most 100 characters"):
        import_setup(db, SYSTEM_CLI, {"version": 1, "rules": [rule("Lang", [long_type])]})
    with pytest.raises(SetupImportError, match="more than 200 characters"):
        import_setup(db, SYSTEM_CLI, {"version": 1, "rules": [rule("r" * 201)]})
    with pytest.raises(SetupImportError, match="at most 100 characters"):
        import_setup(db, SYSTEM_CLI, {"version": 1, "profiles": ["p" * 101], "rules": []})
    with pytest.raises(setup.ValidationError) as refused:
        draft = setup.RuleDraft(name="Lang type", template="completed_activities",
                                params={"activity_types": [long_type]}, target=3)  # fmt: skip
        setup.create_rule(db, SYSTEM_CLI, draft)
    assert "activity_types" in refused.value.fields
    assert rule_count(db) == 0


def test_rules_per_installation(db: Database) -> None:
    many = [rule(f"Regel {n}") for n in range(limits.MAX_RULES + 1)]
    with pytest.raises(SetupImportError, match=f"at most {limits.MAX_RULES} rules, not 501"):
        import_setup(db, SYSTEM_CLI, {"version": 1, "rules": many})
    import_setup(db, SYSTEM_CLI, {"version": 1, "rules": many[:-1]})
    assert rule_count(db) == limits.MAX_RULES
    with pytest.raises(SetupImportError, match="would hold 501 rules"):
        import_setup(db, SYSTEM_CLI, {"version": 1, "rules": many[-1:]})
    draft = setup.RuleDraft(name="En til", template="completed_activities", params={},
                            target=3)  # fmt: skip
    with pytest.raises(setup.SetupError, match=f"at most {limits.MAX_RULES} rules"):
        setup.create_rule(db, SYSTEM_CLI, draft)
    first = setup.list_rules(db, SYSTEM_CLI)[0]
    with pytest.raises(setup.SetupError, match=f"at most {limits.MAX_RULES} rules"):
        setup.duplicate_rule(db, SYSTEM_CLI, first.id)
    assert rule_count(db) == limits.MAX_RULES
    # Updating an existing rule by the same name still works at the limit.
    import_setup(db, SYSTEM_CLI, {"version": 1, "rules": [{**many[0], "target": 5}]})
