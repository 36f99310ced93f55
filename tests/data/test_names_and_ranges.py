"""Real-data details of the import and the setup: profile names matched by key on both
backends, setup export/import round trips, date-times at the edges of the range."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import Activity, Profile, User
from kpidesk.services.auth import authenticate, hash_password
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.people import create_profile
from kpidesk.services.setup import ValidationError
from tests.data.test_importer import write


def _profiles(db: Database) -> dict[str, str | None]:
    with db.session() as s:
        rows = s.execute(select(User.login, Profile.name).outerjoin(Profile, User.profile))
        return dict(rows.all())


def test_import_matches_profile_names_by_key(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write(
        tmp_path / "a",
        "users.csv",
        "login,name,email,profile\n"
        "anna,Anna,a@x.dk,Salg\n"
        "bo,Bo,b@x.dk,salg\n"
        'cai,Cai,c@x.dk,"  Salg   Team "\n'
        "dan,Dan,d@x.dk,SALG TEAM\n"
        "eva,Eva,e@x.dk,ØKONOMI\n"
        "fie,Fie,f@x.dk,økonomi\n",
    ).parent
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0
    assert "profiles created: Salg, Salg Team, ØKONOMI" in capsys.readouterr().out
    db = Database(db_url)
    assert _profiles(db) == {
        "anna": "Salg", "bo": "Salg", "cai": "Salg Team", "dan": "Salg Team",
        "eva": "ØKONOMI", "fie": "ØKONOMI",
    }  # fmt: skip
    # A later export spelling them differently creates nothing new.
    write(tmp_path / "b", "users.csv", "login,name,email,profile\nanna,Anna,a@x.dk,sALG\n")
    assert main(["--db", db_url, "import-crm", str(tmp_path / "b")]) == 0
    assert "profiles created" not in capsys.readouterr().out
    assert _profiles(db)["anna"] == "Salg"
    # The setup service sees the same names as one, on SQLite as on PostgreSQL.
    with pytest.raises(ValidationError, match="already exists"):
        create_profile(db, SYSTEM_CLI, "  økonomi ")
    db.dispose()


def test_logins_match_without_regard_to_case_for_every_letter(db: Database) -> None:
    with db.session(write=True) as s:
        s.add(User(login="øster", name="Øster", password_hash=hash_password("kode-1234-x")))
    caller = authenticate(db, "ØSTER", "kode-1234-x", sleep=lambda _s: None)
    assert caller.login == "øster"


def test_setup_export_then_import_round_trips(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write(
        tmp_path / "crm",
        "users.csv",
        "login,name,email,profile\nanna,Anna,a@x.dk,Salg  Team\nbo,Bo,b@x.dk,ØKONOMI\n"
        "cai,Cai,c@x.dk,\n",
    ).parent
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0
    setup = {
        "version": 1,
        "profiles": ["salg team", "Økonomi", "Ledelse"],
        "rules": [
            {"name": "Vundne  ordrer", "template": "won_deals", "params": {"period": "month"},
             "target": 3, "profiles": ["SALG TEAM", "økonomi"], "active": True},
            {"name": "Hitrate", "template": "win_rate", "params": {"days": 90},
             "target": 0.4, "profiles": ["ledelse"], "active": False},
        ],
        "assignments": {"ANNA": "salg team", "cai": "LEDELSE"},
    }  # fmt: skip
    first = tmp_path / "setup.json"
    first.write_text(json.dumps(setup), encoding="utf-8")
    assert main(["--db", db_url, "setup", "import", str(first)]) == 0
    exported = tmp_path / "exported.json"
    assert main(["--db", db_url, "setup", "export", str(exported)]) == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert sorted(data["profiles"]) == ["Ledelse", "Salg Team", "ØKONOMI"]
    assert main(["--db", db_url, "setup", "import", str(exported)]) == 0
    again = tmp_path / "again.json"
    assert main(["--db", db_url, "setup", "export", str(again)]) == 0
    assert json.loads(again.read_text(encoding="utf-8")) == data
    capsys.readouterr()


def test_date_times_at_the_edges_of_the_range_are_one_line_each(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write(
        tmp_path / "bad",
        "activities.csv",
        "id,type,status,start_at,end_at\n"
        "1,Opgave,done,0001-01-01T00:00:00+01:00,\n"
        "2,Opgave,done,9999-12-31T23:30:00-01:00,\n"
        "3,Opgave,done,0001-01-01 00:00,\n"
        "4,Opgave,done,2026-01-01 10:00,9999-12-31T23:59:00-00:30\n",
    ).parent
    assert main(["--db", db_url, "import-crm", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "OverflowError" not in captured.err
    lines = [line for line in captured.err.splitlines() if "out of range" in line]
    assert [line.split(": ")[0:2] for line in lines] == [
        ["activities.csv:2", "start_at"],
        ["activities.csv:3", "start_at"],
        ["activities.csv:4", "start_at"],
        ["activities.csv:5", "end_at"],
    ]
    # The extremes themselves, in UTC, are stored and read back exactly.
    write(
        tmp_path / "good",
        "activities.csv",
        "id,type,status,start_at,end_at\n"
        "1,Opgave,done,0001-01-01T00:00:00Z,9999-12-31T23:59:59.999999+00:00\n",
    )
    assert main(["--db", db_url, "import-crm", str(tmp_path / "good")]) == 0
    db = Database(db_url)
    with db.session() as s:
        activity = s.get(Activity, 1)
        assert activity is not None
        assert (activity.start_at.year, activity.end_at.year) == (1, 9999)  # type: ignore[union-attr]
    db.dispose()
