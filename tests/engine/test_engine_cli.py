"""`kpidesk templates [--json]` and `kpidesk recalc`, on both backends."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import KpiRun
from tests.engine.builders import Builder, local
from tests.engine.test_run import HOLD_LOCK

D = dt.date(2026, 3, 29)
ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


def _seed(db: Database) -> Builder:
    b = Builder(db)
    salg = b.profile("Salg")
    anna = b.user("anna", salg)
    b.user("bo", salg)
    for day in range(6):
        b.activity(local(D + dt.timedelta(days=day), 9), [anna])
    b.rule("Møder", "planned_meetings", None, 10, [salg])
    return b


def _runs(db: Database) -> list[tuple[dt.date, str]]:
    with db.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(select(KpiRun.run_date, KpiRun.status).order_by(KpiRun.id))
        ]


def test_templates_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "--json"]) == 0
    catalogue = json.loads(capsys.readouterr().out)
    assert [t["key"] for t in catalogue][:2] == ["planned_meetings", "kam_coverage"]
    assert len(catalogue) == 10
    meetings = catalogue[0]
    assert set(meetings) == {"key", "name_da", "name_en", "description_da", "description_en",
                             "unit", "direction", "params"}  # fmt: skip
    assert meetings["description_da"] == (
        "Antal planlagte Salgsmøder de næste 14 dage, hvor brugeren deltager"
    )
    assert meetings["params"][0]["kind"] == "activity_types"
    assert meetings["params"][1] | {} == {"key": "days", "kind": "int", "default": 14,
                                          "bounds": [1, 730], "label_da": "Antal dage",
                                          "label_en": "Days"}  # fmt: skip
    won = next(t for t in catalogue if t["key"] == "won_deals")
    assert won["params"][0]["choices"] == ["month", "quarter", "year", "rolling"]
    assert {t["unit"] for t in catalogue} == {"count", "percent", "currency"}


def test_templates_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "planned_meetings  (Planlagte møder / Planned meetings)" in out
    assert "  Number of planned Salgsmøde activities in the next 14 days" in out
    assert main(["--lang", "da", "templates"]) == 0
    assert "  Antal planlagte Salgsmøder de næste 14 dage" in capsys.readouterr().out
    assert "days=14 (1–730)" in out and "period=month (month|quarter|year|rolling)" in out


def test_recalc_one_date(db_url: str, db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(db)
    assert main(["--db", db_url, "recalc", "--date", "2026-03-29"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2026-03-29: 2 users, 1 rules, 2 results written in ")
    assert _runs(db) == [(D, "success")]


def test_recalc_default_date_is_today_in_the_installation_time_zone(
    db_url: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from zoneinfo import ZoneInfo

    _seed(db).setting("timezone", "Pacific/Kiritimati")
    assert main(["recalc", "--db", db_url]) == 0
    today = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert _runs(db)[0][0] in (today, today - dt.timedelta(days=1))  # at most a midnight apart


def test_recalc_backfill_oldest_first(
    db_url: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(db)
    assert main(["--db", db_url, "recalc", "--from", "2026-03-27", "--to", "2026-03-29"]) == 0
    out = capsys.readouterr().out
    assert "2026-03-27 – 2026-03-29 (3 dates): 2 users, 1 rules, 6 results written in" in out
    assert _runs(db) == [(D - dt.timedelta(days=n), "success") for n in (2, 1, 0)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-29", "--to", "2026-03-01"], "is before --from"),
        (["--from", "2026-03-29"], "--from needs --to"),
        (["--to", "2026-03-29"], "--to needs --from"),
        (["--from", "2000-01-01", "--to", "2026-01-01"], "at most 3660 dates"),
    ],
)
def test_recalc_bad_ranges(
    db_url: str, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "recalc", *args]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_recalc_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["recalc", "--date", "29-03-2026"])
    assert info.value.code == 2
    assert "invalid date '29-03-2026': use YYYY-MM-DD" in capsys.readouterr().err


def test_a_failed_run_is_one_line_and_exit_1(db_url: str, db: Database) -> None:
    b = _seed(db)
    b.rule("Kaputt", "gone_template", None, 1, [1])
    result = subprocess.run(
        [sys.executable, "-m", "kpidesk", "--db", db_url, "recalc", "--date", "2026-03-29"],
        capture_output=True, text=True, timeout=120, env=_env(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "kpidesk: error: the run for 2026-03-29 failed: rule 'Kaputt': unknown template "
        "'gone_template'"
    )
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert _runs(db) == [(D, "failed")]


def test_recalc_waits_for_a_run_in_progress_elsewhere(db_url: str, db: Database) -> None:
    _seed(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, db_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=_env(),
    )  # fmt: skip
    recalc = None
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        recalc = subprocess.Popen(
            [sys.executable, "-m", "kpidesk", "--db", db_url, "recalc", "--date", "2026-03-29"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
        )  # fmt: skip
        assert recalc.stderr is not None
        line = recalc.stderr.readline()
        assert "a KPI run is in progress elsewhere; waiting" in line
        assert recalc.poll() is None
        holder.stdin.write("\n")
        holder.stdin.flush()
        out, err = recalc.communicate(timeout=120)
        assert recalc.returncode == 0, err
        assert out.startswith("2026-03-29: 2 users, 1 rules, 2 results written in")
        assert "Traceback" not in err
        assert _runs(db) == [(D, "success")]
    finally:
        for proc in (holder, recalc):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
