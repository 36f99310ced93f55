"""The forecast in words, for a card (a few words) and the chart window (one sentence).

Each sentence says where the number comes from: what the CRM already knows, the usual change
on top of it, the band; or, where the backtest found no forecast better than "no change" (a
period: the pace line), that the value is expected to stay about where it is, and why.
The words are the message catalogue's (`forecast.card.*`, `forecast.sentence.*` in
`domain/words.py`, with plural forms); this module only formats the dates and values.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QLocale

import kpidesk.domain.words  # noqa: F401 - defines the forecast's words
from kpidesk.domain.display import UNDEFINED, format_number, format_score
from kpidesk.domain.messages import CATALOGUE, say
from kpidesk.gui.formatting import format_date, format_value, language_of

COVERAGE = ("kam_coverage", "neglected_accounts")


def _short_date(day: Any, locale: QLocale) -> str:
    pattern = "d. MMM" if locale.language() == QLocale.Language.Danish else "d MMM"
    return locale.toString(QDate(day.year, day.month, day.day), pattern)


class ForecastWords:
    """Words for one KPI item's forecast in the language of `locale`."""

    def __init__(self, item: Any, locale: QLocale, currency: str = "DKK") -> None:
        self.item = item
        self.locale = locale
        self.lang = language_of(locale)
        self.currency = currency

    def value(self, number: float | None) -> str:
        return format_value(number, self.item.unit, self.locale, self.currency)

    def signed(self, number: float | None) -> str:
        if number is None:
            return UNDEFINED
        text = self.value(abs(number))
        return ("+" if number >= 0 else "−") + text

    def say(self, key: str, n: int | None = None, **fields: str) -> str:
        return _one_stop(say(key, self.lang, n, **fields))

    # --- the card --------------------------------------------------------------------------

    def card(self) -> str:
        """A few words under the sparkline."""
        result = self.item.forecast
        if result is None or result.status != "ok" or result.projected is None:
            return self.say("forecast.card.too_little")
        end = _short_date(result.horizon.end, self.locale)
        if not result.shown:
            if result.horizon.kind == "period" and result.pace is not None:
                return self.say("forecast.card.pace", value=self.value(result.pace), end=end)
            return self.say("forecast.card.unchanged", end=end, low=self.value(result.low),
                            high=self.value(result.high))  # fmt: skip
        text = self.say("forecast.card.projected", end=end, value=self.value(result.projected))
        if result.known is not None and result.method == "known":
            text += " · " + self.say("forecast.card.known", value=self.value(result.known))
        elif result.on_pace is True:
            text += " · " + self.say("forecast.card.on_pace")
        elif result.on_pace is False:
            text += " · " + self.say("forecast.card.behind")
        return text

    # --- the chart window --------------------------------------------------------------------

    def sentence(self) -> str:
        """One sentence: where the forecast comes from, or why there is none."""
        result = self.item.forecast
        if result is None or result.status == "undefined":
            return self.say("forecast.sentence.undefined")
        if result.status != "ok" or result.projected is None:
            return self.say("forecast.sentence.too_little", result.nights,
                            count=format_number(result.nights, self.lang, 0))  # fmt: skip
        end = format_date(result.horizon.end, self.locale)
        low, high = self.value(result.low), self.value(result.high)
        if not result.shown:
            return self._hidden(result, end, low, high)
        template = self.item.template
        if result.method == "period":
            return self.say(
                "forecast.sentence.period", known=self.value(result.known),
                open=self.value(result.open_part), rate=format_score(result.win_rate, self.lang),
                projected=self.value(result.projected), end=end, low=low, high=high,
                pace=self.value(result.pace),
            )  # fmt: skip
        if template in COVERAGE:
            return self._coverage(result, end, low, high)
        key = f"forecast.sentence.{template}"
        return self.say(
            key if key in CATALOGUE else "forecast.sentence.known",
            known=self.value(result.known), end=end, change=self.signed(result.addition),
            projected=self.value(result.projected), low=low, high=high,
        )  # fmt: skip

    def _coverage(self, result: Any, end: str, low: str, high: str) -> str:
        """Coverage rules: the customers still covered at the horizon by what is done, those
        with something planned before it at the completion rate, and the usual change."""
        key = f"forecast.sentence.{self.item.template}"
        covered, planned = round(result.certain or 0), round(result.planned or 0)
        return self.say(
            key,
            end=end,
            covered=say(f"{key}.covered", self.lang, covered,
                        count=format_number(covered, self.lang, 0)),
            more=say(f"{key}.more", self.lang, planned,
                     count=format_number(planned, self.lang, 0)),
            rate=format_value(result.completion, "percent", self.locale, self.currency),
            known=self.value(result.known), change=self.signed(result.addition),
            projected=self.value(result.projected), low=low, high=high,
        )  # fmt: skip

    def _hidden(self, result: Any, end: str, low: str, high: str) -> str:
        if result.horizon.kind == "period":
            pace = self.value(result.pace)
            if result.backtest_mae is None:
                return self.say("forecast.sentence.pace_unchecked", pace=pace, end=end)
            return self.say("forecast.sentence.pace_better", pace=pace, end=end,
                            error=self.value(result.backtest_mae),
                            baseline=self.value(result.baseline_mae))  # fmt: skip
        if result.method == "no_change":
            return self.say("forecast.sentence.no_change", low=low, high=high, end=end)
        if result.backtest_mae is None:
            return self.say("forecast.sentence.unchecked", low=low, high=high, end=end)
        return self.say("forecast.sentence.no_change_better", low=low, high=high, end=end,
                        error=self.value(result.backtest_mae),
                        baseline=self.value(result.baseline_mae))  # fmt: skip


def _one_stop(text: str) -> str:
    """A sentence ending in a value that ends in "." ("… 1.368.000 kr..") ends once."""
    return text[:-1] if text.endswith("..") else text
