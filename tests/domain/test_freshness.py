"""The words about the CRM data's age: one place for the run log, status bar and Dagens KPI."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kpidesk.domain.freshness import DataState, data_note, day_words, one_line

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 12, 7, 8, 15, tzinfo=CPH)  # a Monday morning
LAST_NIGHT = dt.datetime(2026, 12, 7, 2, 0, tzinfo=CPH)
YESTERDAY = dt.datetime(2026, 12, 6, 2, 0, tzinfo=CPH)


@pytest.mark.parametrize(
    ("moment", "da", "en"),
    [
        (dt.datetime(2026, 12, 7, 1, 59, tzinfo=CPH), "i nat", "last night"),
        (dt.datetime(2026, 12, 7, 6, 0, tzinfo=CPH), "i dag", "today"),
        (dt.datetime(2026, 12, 6, 23, 59, tzinfo=CPH), "i går", "yesterday"),
        (dt.datetime(2026, 12, 4, 12, 0, tzinfo=CPH), "d. 4/12", "on 4 Dec"),
        # 00:30 UTC on the 7th is 01:30 in Copenhagen: the installation's day counts.
        (dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.UTC), "i nat", "last night"),
    ],
)
def test_day_words(moment: dt.datetime, da: str, en: str) -> None:
    assert day_words(moment, NOW, CPH) == da
    assert day_words(moment, NOW, CPH, "en") == en


def test_failed_import_in_both_languages() -> None:
    state = DataState("failed", YESTERDAY, LAST_NIGHT, "activities.csv:9: (row): cut short")
    assert state.failed and state.stale
    assert state.words(NOW, CPH) == (
        "CRM-data fra i går 02:00 — importen i nat fejlede: activities.csv:9: (row): cut short"
    )
    assert state.words(NOW, CPH, "en") == (
        "CRM data from yesterday 02:00 — the import last night failed: "
        "activities.csv:9: (row): cut short"
    )
    # Read a day later, the same facts move on by themselves.
    later = NOW + dt.timedelta(days=1)
    assert state.words(later, CPH).startswith("CRM-data fra d. 6/12 02:00 — importen i går fejlede")


def test_imported_nothing_new_and_a_run_without_an_import() -> None:
    imported = DataState("imported", LAST_NIGHT - dt.timedelta(minutes=30), LAST_NIGHT, "x.csv 3")
    assert not imported.stale
    assert imported.words(NOW, CPH) == "CRM-data fra i dag 01:30 — importeret i nat: x.csv 3"
    assert imported.words(NOW, CPH, "en") == (
        "CRM data from today 01:30 — imported last night: x.csv 3"
    )
    nothing = DataState("nothing_new", YESTERDAY, LAST_NIGHT)
    assert nothing.stale and not nothing.failed
    assert nothing.words(NOW, CPH) == "CRM-data fra i går 02:00 — ingen ny eksport i nat"
    assert DataState("", YESTERDAY).words(NOW, CPH, "en") == "CRM data from yesterday 02:00"
    assert DataState("failed", None, LAST_NIGHT, "x").words(NOW, CPH) == (
        "Ingen CRM-data fra datakilden endnu — importen i nat fejlede: x"
    )


def test_detail_is_one_line_and_bounded() -> None:
    assert one_line("first\nsecond") == "first"
    long = "x" * 500
    assert len(one_line(long)) == 300 and one_line(long).endswith("…")
    note = data_note("failed", data_at=None, attempted_at=LAST_NIGHT, now=NOW, tz=CPH,
                     detail="a.csv:2: bad\nb.csv:3: worse")  # fmt: skip
    assert "\n" not in note and note.endswith("a.csv:2: bad")
