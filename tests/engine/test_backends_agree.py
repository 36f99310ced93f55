"""The whole catalogue gives identical results on SQLite and PostgreSQL over the demo data."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kpidesk.data.db import Database
from kpidesk.data.demo import generate_demo
from kpidesk.data.models import KpiResult, KpiRule, Profile, User
from kpidesk.engine.catalogue import TEMPLATES
from kpidesk.engine.explain import explain
from kpidesk.engine.run import run_for_date
from tests.engine.builders import Builder
from tests.pgserver import PostgresServer

AS_OF = dt.date(2026, 3, 29)
# The demo's as-of date, a DST night in autumn, a quarter start and a month end.
DATES = (AS_OF, dt.date(2025, 10, 26), dt.date(2026, 1, 1), dt.date(2026, 2, 28))
VARIANTS: dict[str, list[dict[str, Any]]] = {
    "planned_meetings": [{"activity_types": [], "days": 30}],
    "kam_coverage": [{"activity_types": ["Salgsmøde", "Telefonmøde"], "days": 30}],
    "completed_activities": [{"activity_types": ["Opgave"], "days": 7}],
    "overdue_activities": [{"activity_types": []}],
    "neglected_accounts": [{"activity_types": ["Salgsmøde"], "days": 30}],
    "won_deals": [{"period": "quarter"}, {"period": "rolling", "days": 90}],
    "won_revenue": [{"period": "year"}, {"period": "rolling", "days": 365}],
    "pipeline_value": [{"days": 90}],
    "win_rate": [{"days": 365}],
    "new_opportunities": [{"days": 7}],
}


def _fill(url: str) -> list[tuple[Any, ...]]:
    db = Database(url)
    try:
        generate_demo(db, users=40, activities=12_000, seed=7, as_of=AS_OF)
        with db.session() as session:
            profiles = list(session.scalars(select(Profile.id).order_by(Profile.id)))
        b = Builder(db)
        b._ids = iter(range(10_000, 20_000))  # clear of the demo's ids
        for key in TEMPLATES:
            for n, params in enumerate([{}, *VARIANTS[key]]):
                b.rule(f"{key} {n}", key, params, 3 if n else 0.5, profiles)
        for day in DATES:
            assert run_for_date(db, day).status == "success"
        with db.connect() as conn:
            rows = conn.execute(
                select(
                    KpiResult.run_date,
                    User.login,
                    KpiRule.name,
                    KpiResult.value,
                    KpiResult.target,
                    KpiResult.score,
                )  # fmt: skip
                .join(User, User.id == KpiResult.user_id)
                .join(KpiRule, KpiRule.id == KpiResult.rule_id)
                .order_by(KpiResult.run_date, User.login, KpiRule.name)
            ).all()
            rules = conn.execute(select(KpiRule.id, KpiRule.name).order_by(KpiRule.name)).all()
            users = conn.execute(select(User.id, User.login).order_by(User.login)).all()
        explanations = [
            (e.value, e.rows, e.gap_rows)
            for rule_id, _ in rules
            for user_id, _ in users[:6]
            for e in [explain(db, rule_id, user_id, AS_OF)]
        ]
        return [tuple(row) for row in rows] + [tuple(x) for x in explanations]
    finally:
        db.dispose()


@pytest.mark.slow
def test_catalogue_agrees_on_both_backends(
    pg_server: PostgresServer, sqlite_template: Path, tmp_path: Path
) -> None:
    sqlite_path = tmp_path / "agree.sqlite3"
    shutil.copy(sqlite_template, sqlite_path)
    pg_url = pg_server.create_database(f"kpidesk_agree_{os.getpid()}", template="kpidesk_template")
    on_sqlite = _fill(f"sqlite:///{sqlite_path}")
    on_postgres = _fill(pg_url)
    results = [row for row in on_sqlite if len(row) == 6]
    assert len(results) > 1000
    assert any(row[3] is None for row in results)  # undefined values are part of the check
    assert len({row[3] for row in results}) > 50  # and many distinct values
    assert on_sqlite == on_postgres
