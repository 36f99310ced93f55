"""`kpidesk kpi` and `kpidesk setup export|import` on both databases, as a user types them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry, KpiRule, User
from tests.services.test_kpi_service import AS_OF, build

DATE = AS_OF.isoformat()


@pytest.fixture
def built(db: Database, db_url: str) -> str:
    build(db)
    return db_url


@pytest.fixture(autouse=True)
def danish_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Danish desktop, whatever the machine running the tests says."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "da_DK.UTF-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kpi_json(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", built, "kpi", "--user", "mette", "--date", DATE,
                         "--json")  # fmt: skip
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["user", "run_date", "computed_at", "kpis"]
    assert (data["user"], data["run_date"]) == ("mette", DATE)
    first = data["kpis"][0]
    assert {key: first[key] for key in ("rule", "template", "unit", "direction", "target")} == {
        "rule": "Planlagte salgsmøder", "template": "planned_meetings", "unit": "count",
        "direction": "higher", "target": 10,
    }  # fmt: skip
    assert (first["value"], first["score"]) == (6, pytest.approx(0.6))
    assert first["forecast"]["status"] == "insufficient_history"  # 8 nights
    assert first["forecast"]["method"] == "known"
    assert data["kpis"][1]["value"] == pytest.approx(0.6)


def test_kpi_table_for_people(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "kpi", "--user", "mette", "--date", DATE, "--db", built)
    assert code == 0 and err == ""
    assert "Mette Sørensen (mette): KPI pr. 20.03.2026" in out
    meetings = next(line for line in out.splitlines() if line.startswith("Planlagte salgsmøder"))
    assert " 6 " in meetings and " 10 " in meetings and "60 %" in meetings
    coverage = next(line for line in out.splitlines() if line.startswith("KAM-dækning"))
    assert "60 %" in coverage and "80 %" in coverage and "75 %" in coverage
    revenue = next(line for line in out.splitlines() if line.startswith("Vundet omsætning"))
    assert "80.000 kr." in revenue and "100.000 kr." in revenue
    assert "for lidt historik (8 nætter)" in revenue
    code, out, _ = run(capsys, "--db", built, "kpi", "--user", "lars", "--date", DATE)
    coverage = next(line for line in out.splitlines() if line.startswith("KAM-dækning"))
    assert coverage.split()[1] == "–"  # undefined, never 0


def test_kpi_table_follows_an_english_locale(
    built: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    code, out, err = run(capsys, "--db", built, "kpi", "--user", "mette", "--date", DATE)
    assert code == 0 and err == ""
    assert "Mette Sørensen (mette): KPIs as of 2026-03-20" in out
    assert out.splitlines()[2].split() == ["Rule", "Value", "Target", "Score", "Forecast"]
    coverage = next(line for line in out.splitlines() if line.startswith("KAM-dækning"))
    assert "60%" in coverage and "80%" in coverage and "75%" in coverage
    revenue = next(line for line in out.splitlines() if line.startswith("Vundet omsætning"))
    assert "DKK 80,000" in revenue and "too little history (8 nights)" in revenue
    # --lang decides over the locale, before or after the command
    for argv in (("--lang", "da", "kpi"), ("kpi", "--lang", "da")):
        code, out, _ = run(capsys, "--db", built, *argv, "--user", "mette", "--date", DATE)
        assert "KPI pr. 20.03.2026" in out and "80.000 kr." in out


def test_explanation_in_english(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", built, "--lang", "en", "kpi", "--user", "mette",
                         "--date", DATE, "--explain", "KAM-dækning")  # fmt: skip
    assert code == 0 and err == ""
    assert (
        "mette as of 2026-03-20: 60% against a target of 80% (75%); 2 of 5 customers missing" in out
    )
    assert "Still missing (2), ready to call:" in out
    assert "Company" in out and "Firma" not in out


def test_user_without_rules_keeps_stdout_json(
    built: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", built, "kpi", "--user", "nyt", "--date", DATE, "--json")
    assert code == 0
    assert json.loads(out)["kpis"] == []
    assert "has no profile" in err and err.count("\n") == 1


def test_unknown_login_is_one_line(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", built, "kpi", "--user", "nobody", "--json")
    assert code == 1 and out == ""
    assert err == "kpidesk: error: unknown user 'nobody'\n"


def test_bad_date_is_a_usage_error(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--db", built, "kpi", "--user", "mette", "--date", "20.03.2026"])
    assert exited.value.code == 2
    assert "invalid date '20.03.2026'" in capsys.readouterr().err


def test_explain_with_gap_list(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", built, "kpi", "--user", "mette", "--date", DATE,
                         "--explain", "kam-dækning")  # fmt: skip
    assert code == 0 and err == ""
    assert "KAM-dækning" in out
    assert "Mangler stadig (2)" in out
    gap_part = out.split("Mangler stadig")[1]
    assert "Kunde 4 A/S" in gap_part and "Kunde 5 A/S" in gap_part
    assert "Kunde 1 A/S" not in gap_part

    code, out, _ = run(capsys, "--db", built, "kpi", "--user", "mette", "--date", DATE,
                       "--explain", "Planlagte salgsmøder", "--json")  # fmt: skip
    data = json.loads(out)
    assert len(data["rows"]) == 6 and data["gap_rows"] == []
    assert data["value"] == 6


def test_explain_unknown_rule(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", built, "kpi", "--user", "mette", "--date", DATE,
                         "--explain", "Omsætning")  # fmt: skip
    assert code == 1 and out == ""
    assert err.startswith("kpidesk: error: user 'mette' has no KPI named 'Omsætning'")
    assert err.count("\n") == 1


def test_setup_export_then_import_round_trips(
    built: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "setup.json"
    code, out, _ = run(capsys, "--db", built, "setup", "export", str(path))
    assert code == 0 and "5 rules" in out
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported["version"] == 1 and exported["assignments"]["mette"] == "Salg"

    exported["rules"][0]["target"] = 12
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--db", built, "setup", "import", str(path))
    assert code == 0 and err == ""
    assert "updated: 1" in out and "unchanged: 4" in out
    with db.session() as session:
        target = session.scalar(select(KpiRule.target).where(KpiRule.name == exported["rules"][0]
                                                               ["name"]))  # fmt: skip
        assert target == 12
        assert (
            session.scalar(
                select(AuditEntry.actor).where(
                    AuditEntry.action == "update", AuditEntry.entity == "rule"
                )  # fmt: skip
            )
            == "cli"
        )

    code, out, _ = run(capsys, "--db", built, "setup", "export", "-")
    assert json.loads(out)["rules"][0]["target"] == 12


def test_setup_import_reports_every_problem_and_writes_nothing(
    built: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.session() as session:
        rules_before = session.scalar(select(func.count()).select_from(KpiRule))
        audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({
        "version": 1, "profiles": ["Nyt hold"],
        "rules": [
            {"name": "Ny regel", "template": "planned_meetings", "params": {"days": 14},
             "target": 3, "profiles": ["Nyt hold"], "active": True},
            {"name": "Forkert", "template": "planned_meetings", "params": {"days": 9999},
             "target": 3, "profiles": ["Salg"], "active": True},
        ],
        "assignments": {"ukendt": "Salg"},
    }), encoding="utf-8")  # fmt: skip
    code, out, err = run(capsys, "--db", built, "setup", "import", str(path))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"kpidesk: error: 2 problems in {path}, nothing was imported:"
    assert "9999" in lines[1] and "ukendt" in lines[2]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(KpiRule)) == rules_before
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
        assert session.scalar(select(User.id).where(User.login == "ukendt")) is None


def test_setup_import_of_broken_json_is_one_line(
    built: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"version": 1, "rules": [', encoding="utf-8")
    code, _, err = run(capsys, "--db", built, "setup", "import", str(path))
    assert code == 1
    assert err.startswith(f"kpidesk: error: {path}: not valid JSON:") and err.count("\n") == 1
    code, _, err = run(capsys, "--db", built, "setup", "import", str(tmp_path / "missing.json"))
    assert code == 1 and err.startswith("kpidesk: error: file not found")


def test_export_to_a_missing_folder(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", built, "setup", "export", "/nonexistent/dir/setup.json")
    assert code == 1 and "does not exist" in err and err.count("\n") == 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_real_command_prints_only_json(built: str) -> None:
    kpidesk = Path(sys.executable).with_name("kpidesk")
    done = subprocess.run(
        [str(kpidesk), "kpi", "--user", "nyt", "--date", DATE, "--json"],
        env={**os.environ, "KPIDESK_DATABASE_URL": built},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"user": "nyt", "run_date": DATE,
                                       "computed_at": json.loads(done.stdout)["computed_at"],
                                       "kpis": []}  # fmt: skip
    assert "no profile" in done.stderr


def test_setup_import_from_stdin(
    built: str, db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    setup = {"version": 1, "profiles": ["Ledelse"], "rules": [],
             "assignments": {"nyt": "Ledelse"}}  # fmt: skip
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(setup)))
    code, out, err = run(capsys, "--db", built, "setup", "import", "-")
    assert code == 0 and err == ""
    assert out.startswith("imported standard input: profiles created: 1")
    with db.session() as session:
        assert session.scalar(select(User.profile_id).where(User.login == "nyt")) is not None
