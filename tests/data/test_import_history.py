"""The import's history columns (issue 9): activities' created_at/completed_at, and records
closed before they were created, on SQLite and PostgreSQL through `kpidesk import-crm`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import Activity, Opportunity
from tests.data.test_importer import (
    COMPANIES_CSV,
    OPPORTUNITIES_CSV,
    PARTICIPANTS_CSV,
    USERS_CSV,
    write,
)

UTC = dt.UTC

ACTIVITIES_HISTORY_CSV = """id,type,status,start_at,end_at,company_id,owner,created_at,completed_at
10,Salgsmøde,planned,2026-12-01 10:00,2026-12-01 11:00,1,anna,2026-11-20 08:15,
11,Opgave,done,2026-11-02T09:00:00+01:00,,,bo,2026-10-30 12:00,2026-11-03 16:30
12,E-mail,cancelled,2026-11-03T08:00:00Z,,2,,,2026-11-01 09:00
"""


def export(folder: Path, activities: str, opportunities: str = OPPORTUNITIES_CSV) -> Path:
    write(folder, "users.csv", USERS_CSV)
    write(folder, "companies.csv", COMPANIES_CSV)
    write(folder, "activities.csv", activities)
    write(folder, "activity_participants.csv", PARTICIPANTS_CSV)
    write(folder, "opportunities.csv", opportunities)
    return folder


def history(db: Database) -> dict[int, tuple[dt.datetime | None, dt.datetime | None]]:
    with db.session() as s:
        return {a.id: (a.created_at, a.completed_at) for a in s.scalars(select(Activity))}


def test_created_and_completed_are_stored_and_kept_when_a_file_lacks_them(
    db_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--db", db_url, "import-crm", str(export(tmp_path / "a", ACTIVITIES_HISTORY_CSV))])
        == 0
    )
    stored = {
        10: (dt.datetime(2026, 11, 20, 7, 15, tzinfo=UTC), None),
        11: (
            dt.datetime(2026, 10, 30, 11, tzinfo=UTC),
            dt.datetime(2026, 11, 3, 15, 30, tzinfo=UTC),
        ),
        12: (None, dt.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
    }
    assert history(db) == stored
    assert "warning" not in capsys.readouterr().out
    # A CRM export without the columns (the old format) leaves what is stored alone.
    plain = "\n".join(",".join(line.split(",")[:7]) for line in ACTIVITIES_HISTORY_CSV.splitlines())
    assert main(["--db", db_url, "import-crm", str(export(tmp_path / "b", plain + "\n"))]) == 0
    assert history(db) == stored
    assert "activities.csv: 3 rows (UTF-8, ','): 0 inserted, 0 updated" in capsys.readouterr().out


def test_bad_history_values_are_one_line_each(
    db_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = ACTIVITIES_HISTORY_CSV.replace("2026-10-30 12:00", "30.10.2026").replace(
        "2026-11-01 09:00", "igår"
    )
    assert main(["--db", db_url, "import-crm", str(export(tmp_path, bad))]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("activities.csv:3: created_at: invalid date-time '30.10.2026'")
    assert err[1].startswith("activities.csv:4: completed_at: invalid date-time 'igår'")
    assert "Traceback" not in "\n".join(err)
    assert history(db) == {}


def test_records_closed_before_they_were_created_are_a_warning_and_created_when_closed(
    db_url: str, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Activity 11 completed on 29 October, "created" on 30 October (a back-dated entry).
    activities = ACTIVITIES_HISTORY_CSV.replace("2026-11-03 16:30", "2026-10-29 16:30")
    header = OPPORTUNITIES_CSV.splitlines()[0]
    opportunities = (
        header
        + "\n"
        + "".join(
            f"{k},Aftale {k},1,anna,1000,won,2026-03-{10 + k:02d} 09:00,,2026-02-{k:02d} 10:00\n"
            for k in range(1, 8)
        )
        + "8,Aftale 8,1,anna,1000,lost,2026-03-01 09:00,,2026-03-01 09:00\n"
    )  # same moment: fine
    folder = export(tmp_path, activities, opportunities)
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index(
        "warning: activities.csv: 1 row with completed_at before created_at, "
        "counted as created at completed_at:"
    )
    assert out[start + 1] == (
        "  activities.csv:3: completed_at 2026-10-29 16:30 is before created_at 2026-10-30 12:00"
    )
    start = out.index(
        "warning: opportunities.csv: 7 rows with closed_at before created_at, "
        "counted as created at closed_at (first 5 shown):"
    )
    assert out[start + 1 : start + 6] == [
        f"  opportunities.csv:{k + 1}: closed_at 2026-02-{k:02d} 10:00 is before "
        f"created_at 2026-03-{10 + k:02d} 09:00"
        for k in range(1, 6)
    ]
    assert not out[start + 6 :] or not out[start + 6].startswith("  ")
    assert history(db)[11] == (dt.datetime(2026, 10, 29, 15, 30, tzinfo=UTC),) * 2
    with db.session() as s:
        created = {o.id: o.created_at for o in s.scalars(select(Opportunity))}
    for k in range(1, 8):
        assert created[k] == dt.datetime(2026, 2, k, 9, 0, tzinfo=UTC)
    assert created[8] == dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
