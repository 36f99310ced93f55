"""How people read KPI figures, in Danish or English: the one value formatter.

The windows, the `kpidesk` command and the explanations all format values here, so a value
reads the same everywhere: `60,5 %`, `1.234.567 kr.`, `6`, `–` for undefined (Danish);
`60.5%`, `DKK 1,234,567` (English). Machines keep ratios as fractions (0.605); people read
percents. Pure Python (no Qt): the GUI's `gui/formatting.py` only maps its QLocale to a
language, and a test holds the digits equal to QLocale's for both languages.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Language = Literal["da", "en"]

LANGUAGES: tuple[Language, ...] = ("da", "en")
UNDEFINED = "–"
# Most decimals shown per unit: a percent and a count show one when they have it (62,5 %,
# 2,5), an amount shows whole units (an öre more says nothing about a KPI).
MAX_DECIMALS = {"percent": 1, "count": 1, "currency": 0}


def language(code: str | None) -> Language:
    """English for "en", Danish for anything else (the product's language)."""
    return "en" if code == "en" else "da"


def format_number(value: float, lang: str = "da", max_decimals: int = 1) -> str:
    """Grouped digits with decimals only when the value has them: `6`, `62,5`, `1.234.567`.

    Rounded half away from zero on the exact value, as QLocale and people do (12.500,50 kr.
    is `12.501 kr.`), not Python's `round` (half to even: 12.500).
    """
    exact = Decimal(float(value)).quantize(Decimal(1).scaleb(-max_decimals), ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)  # never "-0"
    exponent = exact.normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    text = f"{exact:,.{decimals}f}"
    if language(lang) == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _defined(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def percent_sign(number: str, lang: str = "da") -> str:
    """`60 %` in Danish (with a space, as Danish writes it), `60%` in English."""
    return f"{number} %" if language(lang) == "da" else f"{number}%"


def currency_sign(currency: str = "DKK", lang: str = "da") -> str:
    """How an amount names the currency: Danish writes `kr.` for DKK, otherwise the code."""
    code = (currency or "DKK").strip().upper()
    return "kr." if code == "DKK" and language(lang) == "da" else code


def format_value(value: float | None, unit: str, lang: str = "da", currency: str = "DKK") -> str:
    """A value of `unit` (count, percent as a fraction, currency) as people read it.

    `currency` is the installation's setting: Danish writes `kr.` for DKK and the code after
    the amount otherwise (`1.500 EUR`); English puts the code first (`DKK 1,500`).
    """
    if value is None or not _defined(value):
        return UNDEFINED
    if unit == "percent":
        return percent_sign(format_number(value * 100.0, lang, MAX_DECIMALS["percent"]), lang)
    if unit == "currency":
        number = format_number(value, lang, MAX_DECIMALS["currency"])
        sign = currency_sign(currency, lang)
        return f"{number} {sign}" if language(lang) == "da" else f"{sign} {number}"
    return format_number(value, lang, MAX_DECIMALS["count"])


def format_score(score: float | None, lang: str = "da") -> str:
    """A score is a ratio of the target, shown as a whole percent (`60 %`, `125%`)."""
    if score is None or not _defined(score):
        return UNDEFINED
    return percent_sign(format_number(score * 100.0, lang, 0), lang)


def to_display(value: float, unit: str) -> float:
    """Machine value to the number people read and type: a fraction becomes a percent."""
    return value * 100.0 if unit == "percent" else value


def from_display(value: float, unit: str) -> float:
    """The number people typed back to the machine value: a percent becomes a fraction."""
    return value / 100.0 if unit == "percent" else value
