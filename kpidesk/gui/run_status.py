"""The status bar's words about the KPIs: when they were last calculated (or that the last
run failed, or is running), and which CRM data they use. Plain functions of the latest run
and the time, so they are tested without a window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QTime

# A night run ends before this hour; "Beregnet i nat" rather than "i dag".
NIGHT_ENDS_HOUR = 6
STALE_AFTER = dt.timedelta(days=1)
# A run still "running" after this long was killed (its process is gone).
STALE_RUNNING = dt.timedelta(hours=3)
# How the run log records a run someone stopped (`services.run_control.cancelled_by`).
CANCELLED_PREFIX = "cancelled by "


@dataclass(frozen=True)
class RunStatusText:
    text: str
    warning: bool
    tooltip: str = ""


def _moment_text(moment: dt.datetime, now: dt.datetime) -> str:
    """When, as a person says it: last night 02:00, today 14:05, yesterday, or a date."""
    time = QLocale().toString(QTime(moment.hour, moment.minute), "HH:mm")
    if moment.date() == now.date():
        if moment.hour < NIGHT_ENDS_HOUR:
            return QCoreApplication.translate(
                "MainWindow", "Calculated last night at {time}"
            ).format(time=time)
        return QCoreApplication.translate("MainWindow", "Calculated today at {time}").format(
            time=time
        )
    if moment.date() == now.date() - dt.timedelta(days=1):
        return QCoreApplication.translate("MainWindow", "Calculated yesterday at {time}").format(
            time=time
        )
    # The date's pattern is translated too: Danish reads 27-11-2026.
    date = QLocale().toString(
        QDate(moment.year, moment.month, moment.day),
        QCoreApplication.translate("MainWindow", "dd/MM/yyyy"),
    )
    return QCoreApplication.translate("MainWindow", "Calculated {date} {time}").format(
        date=date, time=time
    )


def data_status_text(
    run: Any, now: dt.datetime, tz: ZoneInfo, language: str = "da"
) -> RunStatusText | None:
    """Which CRM data the figures on screen are computed on, in words (None: nothing to say).

    The words are `domain.freshness`'s, the same as the run log's, in the app's language and
    seen from `now`; a failed import is a warning.
    """
    data = getattr(run, "data", None) if run is not None else None
    if data is None:
        return None
    text = data.words(now, tz, language)
    return RunStatusText(text, data.failed, text)


def run_status_text(run: Any, now: dt.datetime, tz: ZoneInfo) -> RunStatusText:
    """The status bar's words for `kpi.last_run_status()`'s answer (None: no run yet)."""
    if run is None:
        return RunStatusText(
            QCoreApplication.translate("MainWindow", "The KPIs have not been calculated yet"), False
        )
    now = now.astimezone(tz)
    success_at = getattr(run, "last_success_at", None)
    if run.status == "success" and run.finished_at is not None:
        success_at = run.finished_at
    previous = ""
    if success_at is not None:
        previous = _moment_text(success_at.astimezone(tz), now)
    started = getattr(run, "started_at", None)
    if run.status == "running" and (started is None or now - started < STALE_RUNNING):
        text = QCoreApplication.translate("MainWindow", "Calculating the KPIs…")
        return RunStatusText(text, False, previous)
    # A run "running" for hours was killed: what counts is the last success.
    error = (run.error or "").strip().splitlines()
    if run.status == "failed" and error and error[0].startswith(CANCELLED_PREFIX):
        # Someone stopped it: not a fault, and the figures are those of the last success.
        text = QCoreApplication.translate("MainWindow", "The last KPI calculation was stopped")
        if previous:
            text = QCoreApplication.translate(
                "MainWindow", "{stopped} – figures: {previous}"
            ).format(stopped=text, previous=previous)
        return RunStatusText(text, False, error[0])
    if run.status == "failed":
        text = QCoreApplication.translate("MainWindow", "The last KPI calculation failed")
        if previous:
            text = QCoreApplication.translate(
                "MainWindow", "{failed} – figures: {previous}"
            ).format(failed=text, previous=previous)
        return RunStatusText(text, True, error[0] if error else "")
    if success_at is None:
        return RunStatusText(
            QCoreApplication.translate("MainWindow", "The KPIs have not been calculated yet"), False
        )
    if now - success_at > STALE_AFTER:
        return RunStatusText(
            QCoreApplication.translate("MainWindow", "{previous} – more than a day ago").format(
                previous=previous
            ),
            True,
            QCoreApplication.translate(
                "MainWindow",
                "The nightly calculation has not run since; it catches up when kpidesk runs.",
            ),
        )
    return RunStatusText(previous, False)
