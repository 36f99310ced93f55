"""The forecast in words, for a card (a few words) and the chart window (one sentence).

Each sentence says where the number comes from: what the CRM already knows, the usual change
on top of it, the band; or, where the backtest found no forecast better than "no change" (a
period: the pace line), that the value is expected to stay about where it is, and why.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QLocale, QObject

from kpidesk.gui.formatting import format_date, format_value


def _short_date(day: Any, locale: QLocale) -> str:
    pattern = "d. MMM" if locale.language() == QLocale.Language.Danish else "d MMM"
    return locale.toString(QDate(day.year, day.month, day.day), pattern)


class ForecastWords(QObject):
    """Words for one KPI item's forecast in the app's language (`tr` context ForecastWords)."""

    def __init__(self, item: Any, locale: QLocale, currency: str = "DKK") -> None:
        super().__init__()
        self.item = item
        self.locale = locale
        self.currency = currency

    def value(self, number: float | None) -> str:
        return format_value(number, self.item.unit, self.locale, self.currency)

    def signed(self, number: float | None) -> str:
        if number is None:
            return "–"
        text = self.value(abs(number))
        return ("+" if number >= 0 else "−") + text

    # --- the card --------------------------------------------------------------------------

    def card(self) -> str:
        """A few words under the sparkline."""
        result = self.item.forecast
        if result is None or result.status != "ok" or result.projected is None:
            return self.tr("Too little history for a forecast yet.")
        end = _short_date(result.horizon.end, self.locale)
        if not result.shown:
            if result.horizon.kind == "period" and result.pace is not None:
                return self.tr("At the pace so far: %1 by %2").replace(
                    "%1", self.value(result.pace)).replace("%2", end)  # fmt: skip
            return (
                self.tr("About unchanged by %1 (%2–%3)")
                .replace("%1", end)
                .replace("%2", self.value(result.low))
                .replace("%3", self.value(result.high))
            )
        text = self.tr("Forecast %1: %2").replace("%1", end).replace(
            "%2", self.value(result.projected))  # fmt: skip
        if result.known is not None and result.method == "known":
            text += " · " + self.tr("%1 known").replace("%1", self.value(result.known))
        elif result.on_pace is True:
            text += " · " + self.tr("on pace")
        elif result.on_pace is False:
            text += " · " + self.tr("behind pace")
        return text

    # --- the chart window --------------------------------------------------------------------

    def sentence(self) -> str:
        """One sentence: where the forecast comes from, or why there is none."""
        result = self.item.forecast
        if result is None or result.status == "undefined":
            return self.tr("No forecast: the value is undefined today.")
        if result.status != "ok" or result.projected is None:
            return self.tr(
                "No forecast yet: too few past nights show how this KPI changes (%1 nights so far)."
            ).replace("%1", str(result.nights))
        end = format_date(result.horizon.end, self.locale)
        low, high = self.value(result.low), self.value(result.high)
        if not result.shown:
            return self._hidden(result, end, low, high)
        template = self.item.template
        if result.method == "period":
            rate = "–" if result.win_rate is None else self.locale.toString(
                result.win_rate * 100, "f", 0) + " %"  # fmt: skip
            text = self.tr(
                "%1 so far plus the open deals expected this period (%2) × your win rate %3, "
                "with what usually comes on top: about %4 by %5 (likely %6 to %7); at the "
                "pace so far %8."
            )
            parts = [self.value(result.known), self.value(result.open_part), rate,
                     self.value(result.projected), end, low, high,
                     self.value(result.pace)]  # fmt: skip
        else:
            if template == "planned_meetings":
                text = self.tr(
                    "%1 already planned for the window on %2; with the usual change before "
                    "then (%3): about %4 (likely %5 to %6)."
                )
            elif template == "pipeline_value":
                text = self.tr(
                    "%1 in open deals expected to close in the window on %2; corrected by how "
                    "your deals usually slip, close or are lost (%3): about %4 (likely %5 to %6)."
                )
            elif template in ("kam_coverage", "neglected_accounts"):
                return self._coverage(result, end, low, high)
            else:
                text = self.tr(
                    "%1 known for the window on %2; with the usual change (%3): about %4 "
                    "(likely %5 to %6)."
                )
            parts = [self.value(result.known), end, self.signed(result.addition),
                     self.value(result.projected), low, high]  # fmt: skip
        return _fill(text, parts)

    def _coverage(self, result: Any, end: str, low: str, high: str) -> str:
        """Coverage rules: the customers still covered at the horizon by what is done, those
        with something planned before it at the completion rate, and the usual change."""
        rate = format_value(result.completion, "percent", self.locale, self.currency)
        count = self.locale.toString(round(result.certain or 0))
        planned = self.locale.toString(round(result.planned or 0))
        if self.item.template == "neglected_accounts":
            text = self.tr(
                "On %1, %2 customers still count as visited by what is already done and %3 "
                "more have something planned before then, counted at your completion rate of "
                "%4: %5 without a visit; with the usual change (%6) about %7 (likely %8 to %9)."
            )
        else:
            text = self.tr(
                "On %1, %2 customers still count as covered by meetings already held and %3 "
                "more have one planned before then, counted at your completion rate of %4: "
                "%5; with the usual change (%6) about %7 (likely %8 to %9)."
            )
        return _fill(text, [end, count, planned, rate, self.value(result.known),
                            self.signed(result.addition), self.value(result.projected), low,
                            high])  # fmt: skip

    def _hidden(self, result: Any, end: str, low: str, high: str) -> str:
        if result.horizon.kind == "period":
            pace = self.value(result.pace)
            if result.backtest_mae is None:
                text = self.tr(
                    "At the pace so far: %1 by %2. The forecast from open deals is not shown: "
                    "no backtest has checked it yet."
                )
                return _fill(text, [pace, end])
            text = self.tr(
                "At the pace so far: %1 by %2. The forecast from open deals is not shown: in "
                "the backtest it erred more than the pace line (%3 against %4)."
            )
            return _fill(text, [pace, end, self.value(result.backtest_mae),
                                self.value(result.baseline_mae)])  # fmt: skip
        if result.method == "no_change":
            text = self.tr(
                "Expected to stay about where it is (likely %1 to %2 on %3): nothing the CRM "
                "knows ahead tells more about this KPI than its value today."
            )
            return _fill(text, [low, high, end])
        if result.backtest_mae is None:
            text = self.tr(
                "Expected to stay about where it is (likely %1 to %2 on %3): the forecast from "
                "what the CRM knows is not shown until a backtest has checked it."
            )
            return _fill(text, [low, high, end])
        text = self.tr(
            "Expected to stay about where it is (likely %1 to %2 on %3): in the backtest the "
            'forecast from what the CRM knows erred more than "no change" (%4 against %5).'
        )
        return _fill(text, [low, high, end, self.value(result.backtest_mae),
                            self.value(result.baseline_mae)])  # fmt: skip


def _fill(text: str, parts: list[str]) -> str:
    """Qt-style %1..%9 placeholders, filled from the highest so %1 never eats %10."""
    for index in range(len(parts), 0, -1):
        text = text.replace(f"%{index}", parts[index - 1])
    return text[:-1] if text.endswith("..") else text  # "… 1.368.000 kr.." ends once
