"""Cell values: text from a CSV cell to the value kpidesk stores, or a ValueError whose text
is the user's message (never a guess: an unreadable value is an error, not a default)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

MAX_ID = 2**31 - 1  # ids are INTEGER columns on PostgreSQL
KEY_LENGTH = 64  # the longest CRM key (Salesforce: 18, SuiteCRM: 36, anything else: text)
TRUE_WORDS = frozenset({"true", "1", "yes", "ja"})
FALSE_WORDS = frozenset({"false", "0", "no", "nej"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"^\s*(kr\.?|dkk)\s*|\s*(kr\.?|dkk)\s*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
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
    if _CONTROL.search(value):
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


def parse_amount(value: str) -> Decimal:
    """Amounts as Danish Excel writes them too: decimal comma, `.` or space between thousands,
    optionally with the currency (`kr.`, `DKK`)."""
    text = _CURRENCY.sub("", value).replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(f"invalid amount {value!r}")
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"invalid amount {value!r}: use e.g. 125000,50 or 125000.50")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"invalid amount {value!r}") from exc
    if amount < 0:
        raise ValueError(f"negative amount {value!r}")
    if amount >= Decimal(10) ** 14:
        raise ValueError(f"amount {value!r} too large")
    return amount


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
                f"invalid date-time {value!r}: use ISO 8601, e.g. 2026-03-14 09:30 "
                "or 2026-03-14T09:30:00+01:00"
            ) from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
        return parsed

    return parse
