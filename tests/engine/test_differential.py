"""Differential test: generated CRM exports, imported and calculated the way users do it
(`kpidesk import-crm`, `kpidesk setup import`, `kpidesk recalc`), agree exactly with the
independent evaluator in `tests/engine/evaluator.py` for every template, on both backends.

Activities carry `created_at`/`completed_at` and opportunities `created_at`/`closed_at`
drawn from the same instants, so the "as of D" rules (what existed at D 00:00, with its
status and stage of then) are exercised on the edges too.

Most generated times lie exactly on a window edge (local midnights of D, D−N, D+N, period
starts, the DST nights in Europe/Copenhagen) or a microsecond or second beside one, and are
written with an offset, without one, in UTC, or as a plain date, as real exports do.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRule, User
from tests.engine import evaluator

TZ = ZoneInfo("Europe/Copenhagen")
# The spring and autumn DST nights of 2026, the days after, a month, quarter and year start,
# and an ordinary day.
RUN_DATES = [
    dt.date(2026, 3, 29),
    dt.date(2026, 3, 30),
    dt.date(2026, 10, 25),
    dt.date(2026, 10, 26),
    dt.date(2026, 4, 1),
    dt.date(2026, 1, 1),
    dt.date(2026, 11, 17),
]
TYPES = ("Salgsmøde", "Opgave", "Telefonmøde")
SALG = ("Salg",)
R = evaluator.Rule
RULES = [
    R("planned 14", "planned_meetings", {"activity_types": ["Salgsmøde"], "days": 14}, SALG),
    R("planned all 7", "planned_meetings", {"activity_types": [], "days": 7}, SALG),
    R("kam 90", "kam_coverage", {"activity_types": ["Salgsmøde"], "days": 90}, SALG),
    R("kam all 30", "kam_coverage", {"activity_types": [], "days": 30}, SALG),
    R("completed 30", "completed_activities", {"activity_types": [], "days": 30}, SALG),
    R("completed 1", "completed_activities", {"activity_types": ["Opgave"], "days": 1}, SALG),
    R("overdue", "overdue_activities", {"activity_types": ["Opgave"]}, SALG),
    R("overdue all", "overdue_activities", {"activity_types": []}, SALG),
    R("neglected 60", "neglected_accounts", {"activity_types": [], "days": 60}, SALG),
    R("won month", "won_deals", {"period": "month"}, SALG),
    R("won quarter", "won_deals", {"period": "quarter"}, SALG),
    R("won rolling 30", "won_deals", {"period": "rolling", "days": 30}, SALG),
    R("revenue year", "won_revenue", {"period": "year"}, SALG),
    R("revenue month", "won_revenue", {"period": "month"}, SALG),
    R("pipeline 30", "pipeline_value", {"days": 30}, SALG),
    R("pipeline 1", "pipeline_value", {"days": 1}, SALG),
    R("win rate 90", "win_rate", {"days": 90}, SALG),
    R("new 30", "new_opportunities", {"days": 30}, SALG),
]  # fmt: skip
DAYS = sorted({int(r.params["days"]) for r in RULES if "days" in r.params} | {30})
USERS = ("anna", "bo", "cai", "dorte", "eik", "frej")


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ)


def edge_days() -> list[dt.date]:
    """Every day whose local midnight is a window edge for some run date and rule."""
    days: set[dt.date] = set()
    for d in RUN_DATES:
        days |= {d, d - dt.timedelta(days=1), d + dt.timedelta(days=1)}
        for n in DAYS:
            days |= {d - dt.timedelta(days=n), d + dt.timedelta(days=n)}
        days |= {
            d.replace(day=1),
            dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1),
            d.replace(month=1, day=1),
        }
    return sorted(days)


def edge_instants(rng: random.Random) -> list[dt.datetime]:
    """Aware instants on (or a hair beside) the edges, and through both DST nights."""
    moments = [_local_midnight(day) for day in edge_days()]
    for night in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        for hour in range(0, 5):
            for minute in (0, 30):
                wall = dt.datetime(night.year, night.month, night.day, hour, minute)
                moments.append(wall.replace(tzinfo=TZ, fold=0))
                moments.append(wall.replace(tzinfo=TZ, fold=1))
    out: list[dt.datetime] = []
    for moment in moments:
        utc = moment.astimezone(dt.UTC)
        out.append(utc)
        out.append(utc + dt.timedelta(seconds=rng.choice((-1, 1))))
        out.append(utc - dt.timedelta(microseconds=1))
    return out


def write_instant(moment: dt.datetime, rng: random.Random) -> str:
    """One instant as a CRM might write it: local without offset (when unambiguous), with
    the local offset, in UTC with `Z`, with a foreign offset, or a plain date at midnight."""
    local = moment.astimezone(TZ)
    naive = local.replace(tzinfo=None)
    unambiguous = naive.replace(tzinfo=TZ).astimezone(dt.UTC) == moment.astimezone(dt.UTC)
    styles = ["offset", "utc", "foreign"]
    if unambiguous:
        styles += ["naive", "naive_t"]
        if naive.time() == dt.time(0):
            styles += ["date", "date", "date"]
    style = rng.choice(styles)
    if style == "date":
        return naive.date().isoformat()
    if style == "naive":
        text = naive.isoformat(sep=" ")
        return text[:16] if naive.second == 0 and naive.microsecond == 0 else text
    if style == "naive_t":
        return naive.isoformat()
    if style == "utc":
        return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if style == "foreign":
        return moment.astimezone(dt.timezone(dt.timedelta(hours=-5, minutes=-30))).isoformat()
    return local.isoformat()


def _write(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def generate_export(folder: Path, seed: int) -> None:
    """A small organisation with most times on window edges."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    instants = edge_instants(rng)
    closing_days = edge_days()
    users = [[login, login.title(), f"{login}@x.dk", "Salg"] for login in USERS]
    users.append(["ghita", "Ghita", "g@x.dk", "Support"])  # no rules: no results
    _write(folder, "users.csv", ["login", "name", "email", "profile"], users)
    companies = [
        [cid, f"Firma {cid}", "true" if rng.random() < 0.8 else "false", rng.choice([*USERS, ""])]
        for cid in range(1, 25)
    ]
    _write(folder, "companies.csv", ["id", "name", "is_customer", "key_account_manager"], companies)
    activities, participants = [], []
    for aid in range(1, 901):
        start = rng.choice(instants)
        status = rng.choice(("planned", "planned", "done", "done", "cancelled"))
        # History (as of D): when it was created and completed, on edges too; either may be
        # unknown, and some were completed before they were created (back-dated).
        created = write_instant(rng.choice(instants), rng) if rng.random() < 0.7 else ""
        completed = ""
        if status != "planned" and rng.random() < 0.7:
            completed = write_instant(rng.choice(instants), rng)
        activities.append([
            aid,
            rng.choice(TYPES),
            status,
            write_instant(start, rng),
            rng.choice([*range(1, 25), ""]),
            rng.choice(USERS),
            created,
            completed,
        ])  # fmt: skip
        for login in rng.sample(USERS, rng.randint(0, 3)):
            participants.append([aid, login])
    _write(
        folder,
        "activities.csv",
        ["id", "type", "status", "start_at", "company_id", "owner", "created_at", "completed_at"],
        activities,
    )
    _write(folder, "activity_participants.csv", ["activity_id", "login"], participants)
    opportunities = []
    for oid in range(1, 501):
        stage = rng.choice(("open", "open", "won", "won", "lost"))
        created = rng.choice(instants)
        closed = write_instant(rng.choice(instants), rng) if stage != "open" else ""
        opportunities.append([
            oid,
            f"Deal {oid}",
            rng.choice(range(1, 25)),
            rng.choice(USERS),
            f"{rng.randint(1, 900_000)}.{rng.randint(0, 99):02d}",
            stage,
            write_instant(created, rng),
            rng.choice(closing_days).isoformat() if rng.random() < 0.95 else "",
            closed,
        ])  # fmt: skip
    _write(
        folder,
        "opportunities.csv",
        ["id", "name", "company_id", "owner", "amount", "stage", "created_at",
         "expected_close", "closed_at"],
        opportunities,
    )  # fmt: skip


def _setup_file(path: Path) -> Path:
    data = {
        "version": 1,
        "profiles": ["Salg", "Support"],
        "rules": [
            {
                "name": rule.name,
                "template": rule.template,
                "params": dict(rule.params),
                "target": 1,
                "profiles": list(rule.profiles),
                "active": True,
            }
            for rule in RULES
        ],
        "assignments": {},
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def calculated(db_url: str) -> dict[tuple[dt.date, str, str], float | None]:
    db = Database(db_url)
    try:
        with db.connect() as conn:
            rows = conn.execute(
                select(KpiResult.run_date, User.login, KpiRule.name, KpiResult.value)
                .join(User, User.id == KpiResult.user_id)
                .join(KpiRule, KpiRule.id == KpiResult.rule_id)
            ).all()
    finally:
        db.dispose()
    return {(d, login, rule): value for d, login, rule, value in rows}


def mismatches(
    expected: dict[tuple[dt.date, str, str], float | None],
    actual: dict[tuple[dt.date, str, str], float | None],
) -> list[str]:
    out = []
    for key in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(key, "missing"), actual.get(key, "missing")
        same = (
            want == got
            if want is None or got is None or isinstance(want, str) or isinstance(got, str)
            else abs(float(want) - float(got)) <= 1e-9 * max(1.0, abs(float(want)))
        )
        if not same:
            out.append(f"{key[0]} {key[1]} {key[2]!r}: evaluator {want}, kpidesk {got}")
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_import_and_recalc_agree_with_the_independent_evaluator(
    db_url: str, tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    generate_export(folder, seed)
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0
    assert main(["--db", db_url, "setup", "import", str(_setup_file(tmp_path / "setup.json"))]) == 0
    for day in RUN_DATES:
        assert main(["--db", db_url, "recalc", "--date", day.isoformat()]) == 0
    capsys.readouterr()

    expected = evaluator.evaluate(evaluator.read_export(folder, TZ), RULES, RUN_DATES, TZ)
    actual = calculated(db_url)
    assert len(expected) == len(RULES) * len(USERS) * len(RUN_DATES)
    # The data must really exercise the edges: plenty of non-zero values.
    assert sum(1 for v in expected.values() if v) > len(expected) // 2
    problems = mismatches(expected, actual)
    assert not problems, f"{len(problems)} of {len(expected)} results differ:\n" + "\n".join(
        problems[:40]
    )
