"""How the `sql` source turns database values into the import's text, and names its rows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kpidesk.data.crm_import import ENTITIES
from kpidesk.data.crm_import.mapping import parse_mapping
from kpidesk.data.crm_import.report import Errors, Place
from kpidesk.data.sql_source import (
    MASK,
    SqlSourceError,
    as_text,
    mask,
    parse_url,
    shown,
    without_password,
)

CPH = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("Held", "Held"),
        (True, "true"),
        (0, "0"),
        (125000.5, "125000.5"),
        (1e16, "10000000000000000"),
        (0.1, "0.1"),
        (Decimal("12.50"), "12.50"),
        (Decimal("1E+3"), "1000"),
        (dt.datetime(2026, 11, 10, 8, 30), "2026-11-10 08:30:00"),
        (dt.datetime(2026, 11, 10, 8, 30, 0, 250), "2026-11-10 08:30:00.000250"),
        (dt.datetime(2026, 11, 10, 9, 30, tzinfo=CPH), "2026-11-10 09:30:00+01:00"),
        (dt.date(2026, 11, 10), "2026-11-10"),
        (b"Kunde A/S", "Kunde A/S"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_values_become_the_text_the_parsers_read(value: object, text: str) -> None:
    assert as_text(value) == text


@pytest.mark.parametrize("value", [float("nan"), b"\xff\xfe"])
def test_values_that_are_no_text_are_errors(value: object) -> None:
    with pytest.raises(ValueError):
        as_text(value)


def test_urls_and_passwords() -> None:
    url = parse_url("mysql://kpi:s3cr%40t@crm:3306/suitecrm")
    assert url.drivername == "mysql+pymysql" and url.password == "s3cr@t"
    assert without_password(url) == "mysql+pymysql://kpi@crm:3306/suitecrm"
    assert shown(without_password(url), True) == f"mysql+pymysql://kpi:{MASK}@crm:3306/suitecrm"
    assert shown(without_password(url), False) == "mysql+pymysql://kpi@crm:3306/suitecrm"
    assert parse_url("postgresql://crm/db").drivername == "postgresql+psycopg"
    assert mask("failed for mssql+pyodbc://sa:Pa55@db/crm", "Pa55") == (
        "failed for mssql+pyodbc://sa:***@db/crm"
    )
    assert mask("the password Pa55 was wrong", "Pa55") == "the password *** was wrong"
    with pytest.raises(SqlSourceError, match="the port must be a number") as caught:
        parse_url("mysql://kpi:hemmelig@crm:port/suitecrm")
    assert "hemmelig" not in str(caught.value)


def test_a_query_is_named_with_its_rows() -> None:
    place = Place("activities query 2", 1000, ENTITIES["activities.csv"], query=True)
    assert place.at(0) == "activities query 2" and place.at(7) == "activities query 2:row 7"
    errors = Errors()
    errors.add(place, 0, "status", "column 'status' is not in the query's result")
    for row in range(1, 9):
        errors.add(place, row, "start_at", f"invalid date-time 'x{row}'")
    lines = errors.failure().errors
    assert lines[0] == "activities query 2: status: column 'status' is not in the query's result"
    assert lines[1] == "activities query 2:row 1: start_at: invalid date-time 'x1'"
    assert lines[-1].startswith(
        "activities query 2:rows 6-8: start_at: 3 more like this (e.g. row 6: "
    )


def test_a_mapping_reads_files_or_queries_not_both() -> None:
    problems: list[str] = []
    user_columns = {"login": "login", "name": "login", "email": "login"}
    data = {
        "users": {"query": "SELECT id, login FROM u", "columns": user_columns},
        "companies": {"file": "a.csv", "columns": {"id": "id", "name": "n", "is_customer": "c"}},
        "activities": {"query": "DELETE FROM meetings", "columns": {}},
    }
    parse_mapping(data, "crm.toml", problems)
    assert "crm.toml: give every table a query (a `sql` data source) or every table a file " \
        "(an export), not both" in problems  # fmt: skip
    assert (
        'crm.toml: [[activities]] #1: query = "SELECT …" (one SELECT or WITH … SELECT)' in problems
    )
    problems = []
    parse_mapping({"users": {"query": "SELECT 1; DROP TABLE users", "file": "u.csv",
                             "columns": {"login": "a", "name": "a", "email": "a"}}},
                  "crm.toml", problems)  # fmt: skip
    assert problems == [
        "crm.toml: [[users]] #1: give file (an export) or query (a database), not both",
        "crm.toml: [[users]] #1: query: one statement only (no ';' inside)",
    ]
