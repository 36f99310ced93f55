"""How old the CRM data behind the KPIs is, said in words (Danish first, English too).

E.g. "CRM-data fra i går 02:00 — importen i nat fejlede: activities.csv:41: …". The run log,
the status bar and "Dagens KPI" all say it through `data_note` (or `DataState.words`), so the
wording lives here only. Pure: the caller gives the moments, the time zone and what the
import did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kpidesk.domain.messages import Msg, define, say

NIGHT_ENDS = dt.time(6, 0)  # before this a moment of today is "i nat"
DETAIL_MAX = 300  # characters of an error or of the rows imported kept in the line

OUTCOMES = ("imported", "nothing_new", "failed")
define(
    "freshness",
    {
        "night": Msg(da="i nat", en="last night"),
        "today": Msg(da="i dag", en="today"),
        "yesterday": Msg(da="i går", en="yesterday"),
        "day": Msg(da="d. {day}/{month}", en="on {day} {month_name}"),
        "data": Msg(da="CRM-data fra {moment}", en="CRM data from {moment}"),
        "no_data": Msg(
            da="Ingen CRM-data fra datakilden endnu", en="No CRM data from the data source yet"
        ),
        "imported": Msg(da="{data} — importeret {when}", en="{data} — imported {when}"),
        "imported_detail": Msg(
            da="{data} — importeret {when}: {detail}", en="{data} — imported {when}: {detail}"
        ),
        "nothing_new": Msg(
            da="{data} — ingen ny eksport {when}", en="{data} — no new export {when}"
        ),
        "failed": Msg(
            da="{data} — importen {when} fejlede: {detail}",
            en="{data} — the import {when} failed: {detail}",
        ),
    },
)
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(moment: dt.datetime, now: dt.datetime, tz: ZoneInfo, lang: str = "da") -> str:
    """ "i nat", "i dag", "i går" or "d. 4/12" for `moment`, seen from `now`."""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (today - local.date()).days
    if days == 0:
        return say("freshness.night" if local.time() < NIGHT_ENDS else "freshness.today", lang)
    if days == 1:
        return say("freshness.yesterday", lang)
    month_name = _MONTHS_EN[local.month - 1]
    return say("freshness.day", lang, day=local.day, month=local.month, month_name=month_name)


def moment_words(moment: dt.datetime, now: dt.datetime, tz: ZoneInfo, lang: str = "da") -> str:
    """The day in words and the clock time, e.g. "i går 02:00"."""
    local = moment.astimezone(tz)
    day = day_words(moment, now, tz, lang)
    if day == say("freshness.night", lang):
        day = say("freshness.today", lang)  # "i dag 01:30" reads better than "i nat 01:30"
    return f"{day} {local:%H:%M}"


def one_line(text: str, limit: int = DETAIL_MAX) -> str:
    """The first line of `text`, cut to `limit` characters with "…" (a status bar is narrow)."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def data_note(
    outcome: str,
    *,
    data_at: dt.datetime | None,
    attempted_at: dt.datetime | None,
    now: dt.datetime,
    tz: ZoneInfo,
    detail: str = "",
    lang: str = "da",
) -> str:
    """One line: the data's time and what the import did.

    `outcome` is "imported", "nothing_new", "failed", or "" when the run made no import
    (e.g. "Beregn nu": then only the data's time); `data_at` the time of the data the run
    uses (None: nothing imported from the source yet); `detail` the rows imported or the
    first error.
    """
    data = (
        say("freshness.data", lang, moment=moment_words(data_at, now, tz, lang))
        if data_at is not None
        else say("freshness.no_data", lang)
    )
    if outcome not in OUTCOMES or attempted_at is None:
        return data
    when = day_words(attempted_at, now, tz, lang)
    detail = one_line(detail)
    if outcome == "imported":
        key = "imported_detail" if detail else "imported"
        return say(f"freshness.{key}", lang, data=data, when=when, detail=detail)
    if outcome == "nothing_new":
        return say("freshness.nothing_new", lang, data=data, when=when)
    return say("freshness.failed", lang, data=data, when=when, detail=detail or "?")


@dataclass(frozen=True)
class DataState:
    """Which CRM data a KPI run used, and what the import before it did.

    `outcome`: "imported", "nothing_new", "failed", or "" when the run made no import of its
    own (a manual run); `data_at`: the data's time (the export's), None when nothing came from
    the data source yet; `attempted_at`: when the import was tried; `detail`: the rows imported
    or the first error line.
    """

    outcome: str
    data_at: dt.datetime | None
    attempted_at: dt.datetime | None = None
    detail: str = ""

    @property
    def failed(self) -> bool:
        """The figures are older than they should be: the import failed."""
        return self.outcome == "failed"

    @property
    def stale(self) -> bool:
        """Worth a warning: the import failed or found no new export."""
        return self.outcome in ("failed", "nothing_new")

    def words(self, now: dt.datetime, tz: ZoneInfo, lang: str = "da") -> str:
        return data_note(
            self.outcome, data_at=self.data_at, attempted_at=self.attempted_at,
            now=now, tz=tz, detail=self.detail, lang=lang,
        )  # fmt: skip
