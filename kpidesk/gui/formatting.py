"""How the windows show KPI figures: values, scores, dates and traffic-light colours.

Values and scores are `domain.display`'s, the same formatter the CLI and the explanations use,
in the language of the QLocale given; dates and moments follow the QLocale. Everything the
windows show goes through here so cards, tables, charts and the editor agree.
"""

from __future__ import annotations

import datetime as dt
import math

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime, QTimeZone
from PySide6.QtGui import QColor, QPalette

from kpidesk.domain import display
from kpidesk.domain.display import UNDEFINED as UNDEFINED
from kpidesk.domain.display import from_display as from_display
from kpidesk.domain.display import to_display as to_display


def locale_for(language: str) -> QLocale:
    """The QLocale for the app's language: Danish (Denmark) or English."""
    if language == "da":
        return QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def _is_danish(locale: QLocale) -> bool:
    return locale.language() == QLocale.Language.Danish


def language_of(locale: QLocale) -> str:
    """The app's language code for a QLocale: "da" for Danish, "en" for any other."""
    return "da" if _is_danish(locale) else "en"


def format_value(value: float | None, unit: str, locale: QLocale, currency: str = "DKK") -> str:
    """`domain.display.format_value` in the locale's language (`1.234.567 kr.`, `60,5 %`)."""
    return display.format_value(value, unit, language_of(locale), currency)


def format_score(score: float | None, locale: QLocale) -> str:
    """A score as a whole percent in the locale's language (`60 %`, `125%`)."""
    return display.format_score(score, language_of(locale))


def format_date(value: dt.date, locale: QLocale, long: bool = False) -> str:
    """`28. nov. 2026` / `28 Nov 2026` (long: with the weekday and the month in full)."""
    qdate = QDate(value.year, value.month, value.day)
    if long:
        return locale.toString(qdate, "dddd 'd.' d. MMMM yyyy" if _is_danish(locale)
                               else "dddd d MMMM yyyy")  # fmt: skip
    return locale.toString(qdate, "d. MMM yyyy" if _is_danish(locale) else "d MMM yyyy")


_display_timezone: dt.tzinfo | None = None


def set_display_timezone(tz: dt.tzinfo | None) -> None:
    """Show moments in the installation's time zone (like `QLocale.setDefault`, app-wide).

    Every desktop on a shared database then reads "02:00" for the nightly run, whatever the
    PC's own zone; None means the PC's zone.
    """
    global _display_timezone
    _display_timezone = tz


def format_datetime(value: dt.datetime, locale: QLocale) -> str:
    """A moment in the installation's time zone, e.g. `28. nov. 2026 02:00`."""
    local = value.astimezone(_display_timezone) if value.tzinfo is not None else value
    qdt = QDateTime(
        QDate(local.year, local.month, local.day),
        QTime(local.hour, local.minute, local.second),
        QTimeZone.systemTimeZone(),
    )
    pattern = "d. MMM yyyy HH:mm" if _is_danish(locale) else "d MMM yyyy HH:mm"
    return locale.toString(qdt, pattern)


# --- traffic lights ------------------------------------------------------------------------

RED_BELOW = 0.5
GREEN_FROM = 1.0


def score_level(score: float | None) -> str | None:
    """red below 50 %, amber below 100 %, green at or above; None when there is no score."""
    if score is None or not math.isfinite(score):
        return None
    if score < RED_BELOW:
        return "red"
    if score < GREEN_FROM:
        return "amber"
    return "green"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


# Dark shades on light backgrounds and light shades on dark ones, each ≥ 3:1 against the
# window colour (WCAG for graphics) and legible as text beside it.
_LIGHT = {"red": "#b3261e", "amber": "#9a5b00", "green": "#1e7a34"}
_DARK = {"red": "#ff8a80", "amber": "#ffc46b", "green": "#7bd88f"}


def level_colour(level: str | None, palette: QPalette) -> QColor:
    """The traffic-light colour for a level, derived from whether the palette is dark."""
    if level is None:
        return QColor(palette.color(QPalette.ColorRole.PlaceholderText))
    return QColor((_DARK if is_dark(palette) else _LIGHT)[level])


def level_background(level: str | None, palette: QPalette) -> QColor:
    """A quiet cell background for a level: the colour blended into the base colour."""
    base = QColor(palette.color(QPalette.ColorRole.Base))
    if level is None:
        return base
    colour = level_colour(level, palette)
    share = 0.28 if is_dark(palette) else 0.22
    return QColor(
        round(base.red() + (colour.red() - base.red()) * share),
        round(base.green() + (colour.green() - base.green()) * share),
        round(base.blue() + (colour.blue() - base.blue()) * share),
    )
