"""Cell values: text from a CSV cell to the value kpidesk stores, or a ValueError whose text
is the user's message (never a guess: an unreadable value is an error, not a default)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from kpidesk.domain.names import clean_name

MAX_ID = 2**31 - 1  # ids are INTEGER columns on PostgreSQL
KEY_LENGTH = 64  # the longest CRM key (Salesforce: 18, SuiteCRM: 36, anything else: text)
TRUE_WORDS = frozenset({"true", "1", "yes", "ja"})
FALSE_WORDS = frozenset({"false", "0", "no", "nej"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"^\s*(kr\.?|dkk)\s*|\s*(kr\.?|dkk)\s*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
_NUMBER_TEXT = re.compile(r"-?[0-9][0-9.,]*")
_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def text_parser(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        if "\x00" in value:
            raise ValueError("contains a NUL character (a binary file?)")
        return value

    return parse


def parse_login(value: str) -> str:
    if len(value) > 100:
        raise ValueError("longer than 100 characters")
    if _SPACE.search(value):
        raise ValueError(f"login {value!r} contains a space or control character")
    return value


def parse_email(value: str) -> str:
    if len(value) > 200:
        raise ValueError("longer than 200 characters")
    if "@" not in value or _SPACE.search(value):
        raise ValueError(f"invalid e-mail address {value!r}")
    return value


def parse_key(value: str) -> str:
    """A CRM key: any text up to 64 characters (already trimmed), compared exactly."""
    if len(value) > KEY_LENGTH:
        raise ValueError(f"key {value[:20]!r}… longer than {KEY_LENGTH} characters")
    # isprintable() (C, fast) is false for every control character; the pattern decides
    # only for the rare keys with other unprintable characters (e.g. a no-break space).
    if not value.isprintable() and _CONTROL.search(value):
        raise ValueError(f"key {value!r} contains a control character")
    return value


def key_number(key: str) -> int | None:
    """The key as a whole number when it is written as one (`42`, not `042`): kept as the id."""
    if key.isascii() and key.isdigit() and key[0] != "0" and len(key) <= 10:
        number = int(key)
        return number if number <= MAX_ID else None
    return None


def parse_bool(value: str) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"invalid boolean {value!r}: use true/false, 1/0, yes/no or ja/nej")


def choice_parser(values: Sequence[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        word = value.lower()
        if word not in values:
            raise ValueError(f"unknown value {value!r}: use one of {', '.join(values)}")
        return word

    return parse


@dataclass(frozen=True)
class NumberFormat:
    """How a CRM writes amounts (Frictionless' decimalChar / groupChar / bareNumber)."""

    decimal: str = "."
    thousands: str = ""  # "" = none; e.g. ",", ".", " ", "'"
    currency: tuple[str, ...] = ()  # symbols and codes to strip, e.g. ("$", "USD")


def _reading(text: str, separator: str) -> str:
    return text.replace(separator, "")


def _grouped(digits: str, separator: str) -> bool:
    """`1.234.567`: groups of three after the first."""
    return re.fullmatch(rf"-?[0-9]{{1,3}}({re.escape(separator)}[0-9]{{3}})+", digits) is not None


def _finish(value: str, text: str) -> Decimal:
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"invalid amount {value!r}: use e.g. 125000,50 or 125000.50")
    if "." in text and len(text.split(".")[1]) > 2:
        raise ValueError(
            f"amount {value!r} has more decimals than cents: nothing is rounded, "
            "correct the value or the number format"
        )
    amount = Decimal(text)
    if amount < 0:
        raise ValueError(f"negative amount {value!r}")
    if amount >= Decimal(10) ** 14:
        raise ValueError(f"amount {value!r} too large")
    return amount.quantize(Decimal("0.01"))


def _strip_currency(value: str, currency: Sequence[str]) -> str:
    text = value
    for sign in sorted(currency, key=len, reverse=True):
        if text.upper().startswith(sign.upper()):
            text = text[len(sign) :]
        if text.upper().endswith(sign.upper()):
            text = text[: len(text) - len(sign)]
        text = text.strip()
    return text


def parse_amount(value: str) -> Decimal:
    """An amount whose number format is not given: read only when it reads one way.

    Danish Excel's spellings work (decimal comma, `.` or space between thousands, `kr.` or
    `DKK`), as do English ones; `1,054` or `4.514` (thousands, or three decimals?) is an error
    naming both readings, and more decimals than cents is an error: nothing is re-read or
    rounded silently.
    """
    text = _CURRENCY.sub("", value).replace(" ", "").replace("\u00a0", "")
    if not _NUMBER_TEXT.fullmatch(text):
        raise ValueError(f"invalid amount {value!r}: use e.g. 125000,50 or 125000.50")
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, fraction = text.rpartition(decimal)
        if not _grouped(whole, group) and group in whole:
            raise ValueError(f"invalid amount {value!r}: {group!r} between thousands expected")
        return _finish(value, f"{whole.replace(group, '')}.{fraction}")
    separator = "," if commas else "." if dots else ""
    if not separator:
        return _finish(value, text)
    if text.count(separator) > 1:
        if not _grouped(text, separator):
            raise ValueError(f"invalid amount {value!r}")
        return _finish(value, text.replace(separator, ""))
    whole, _, fraction = text.partition(separator)
    # Thousands are grouped by three after at most three digits: `1054,505` can only be a
    # decimal comma (and then has more decimals than cents).
    if len(fraction) == 3 and whole.lstrip("-").isdigit() and len(whole.lstrip("-")) <= 3:
        thousands = Decimal(whole + fraction)
        cents = Decimal(f"{whole}.{fraction}")
        raise ValueError(
            f"amount {value!r} reads two ways: {thousands} ({separator!r} between thousands) or "
            f"{cents} ({separator!r} as decimal point); set the number format "
            "(decimal, thousands) in the mapping"
        )
    return _finish(value, f"{whole}.{fraction}")


def amount_parser(number_format: NumberFormat | None) -> Callable[[str], Decimal]:
    """Amounts in the mapping's number format; without one, only unambiguous amounts."""
    if number_format is None:
        return parse_amount
    fmt = number_format

    def parse(value: str) -> Decimal:
        text = _strip_currency(value.strip(), fmt.currency)
        if fmt.thousands:
            whole = text.split(fmt.decimal)[0] if fmt.decimal in text else text
            if fmt.thousands in whole and not _grouped(whole, fmt.thousands):
                raise ValueError(
                    f"invalid amount {value!r}: {fmt.thousands!r} between thousands expected"
                )
            text = text.replace(fmt.thousands, "")
        if fmt.decimal != ".":
            if "." in text:
                raise ValueError(f"invalid amount {value!r}: the decimal mark is {fmt.decimal!r}")
            text = text.replace(fmt.decimal, ".")
        text = text.replace("\u00a0", "").replace(" ", "")
        return _finish(value, text)

    return parse


def parse_date(value: str) -> dt.date:
    if not _DATE.fullmatch(value):
        raise ValueError(f"invalid date {value!r}: use YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"invalid date {value!r}: {exc}") from exc


def datetime_parser(tz: ZoneInfo) -> Callable[[str], dt.datetime]:
    """ISO 8601; a naive value is local time in the installation's time zone."""

    def parse(value: str) -> dt.datetime:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                f"invalid date-time {value!r}: use ISO 8601, e.g. 2026-03-14 09:30, "
                "2026-03-14T09:30:00+01:00 or a plain date 2026-03-14 (00:00)"
            ) from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
        return in_range(value, parsed)

    return parse


def in_range(value: str, parsed: dt.datetime) -> dt.datetime:
    """The instant in UTC (as stored); year 1 or 9999 with an offset lies outside what can
    be stored."""
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(
            f"date-time {value!r} is out of range: it must lie between years 1 and 9999 in UTC"
        ) from None


def profile_name(value: str) -> str:
    """Trimmed with inner white space collapsed: `Salg  Team` is the profile `Salg Team`."""
    return text_parser(100)(clean_name(value))
