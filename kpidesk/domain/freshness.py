"""How old the CRM data behind a KPI run is, said in words for the run log (Danish first).

E.g. "CRM-data fra i går 02:00 — importen i nat fejlede: activities.csv:41: …". Pure: the
caller gives the moments, the time zone and what the import did.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

NIGHT_ENDS = dt.time(6, 0)  # before this a moment of today is "i nat"


def day_words(moment: dt.datetime, now: dt.datetime, tz: ZoneInfo) -> str:
    """ "i nat", "i dag", "i går" or "d. 4/12" for `moment`, seen from `now`."""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (today - local.date()).days
    if days == 0:
        return "i nat" if local.time() < NIGHT_ENDS else "i dag"
    if days == 1:
        return "i går"
    return f"d. {local.day}/{local.month}"


def moment_words(moment: dt.datetime, now: dt.datetime, tz: ZoneInfo) -> str:
    """The day in words and the clock time, e.g. "i går 02:00"."""
    local = moment.astimezone(tz)
    day = day_words(moment, now, tz)
    if day == "i nat":
        day = "i dag"  # "i dag 01:30" reads better than "i nat 01:30" beside a time
    return f"{day} {local:%H:%M}"


def data_note(
    outcome: str,
    *,
    data_at: dt.datetime | None,
    attempted_at: dt.datetime,
    now: dt.datetime,
    tz: ZoneInfo,
    detail: str = "",
) -> str:
    """One line: the data's time and what tonight's import did.

    `outcome` is "imported", "nothing_new" or "failed"; `data_at` the time of the data the
    run uses (None: nothing imported from the source yet); `detail` the rows imported or the
    first error.
    """
    data = (
        f"CRM-data fra {moment_words(data_at, now, tz)}"
        if data_at is not None
        else "Ingen CRM-data fra datakilden endnu"
    )
    when = day_words(attempted_at, now, tz)
    if outcome == "imported":
        return f"{data} — importeret {when}: {detail}" if detail else f"{data} — importeret {when}"
    if outcome == "nothing_new":
        return f"{data} — ingen ny eksport {when}"
    return f"{data} — importen {when} fejlede: {detail}"
