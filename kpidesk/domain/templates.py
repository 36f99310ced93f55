"""What a KPI template is, independent of SQL: its name, parameters, unit and direction.

The engine pairs each `TemplateSpec` with its statement; the GUI builds the rule editor and
the CLI prints the catalogue from the spec alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kpidesk.domain.display import language
from kpidesk.domain.limits import ACTIVITY_TYPE_MAX, MAX_ACTIVITY_TYPES_PER_RULE
from kpidesk.domain.messages import CATALOGUE, Msg, define, say
from kpidesk.domain.periods import PERIODS

ParamKind = Literal["activity_types", "int", "choice"]
Unit = Literal["count", "percent", "currency"]
Direction = Literal["higher", "lower"]

UNITS: tuple[str, ...] = ("count", "percent", "currency")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")

DAYS_MIN = 1
DAYS_MAX = 730


class ParamError(ValueError):
    """A rule's parameters do not fit its template; the message is one clear line."""


@dataclass(frozen=True)
class ParamSpec:
    """One typed parameter of a template, with its default and its bounds or choices."""

    key: str
    kind: ParamKind
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    def label(self, lang: str = "da") -> str:
        """The parameter's label in the rule editor (catalogue `param.<key>`)."""
        msg_id = f"param.{self.key}"
        return say(msg_id, lang) if msg_id in CATALOGUE else self.key

    def to_json(self) -> dict[str, Any]:
        """The parameter as plain JSON (for `kpidesk templates --json` and setup files)."""
        data: dict[str, Any] = {
            "key": self.key,
            "kind": self.kind,
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
            "label_da": self.label("da"),
            "label_en": self.label("en"),
        }
        if self.minimum is not None or self.maximum is not None:
            data["bounds"] = [self.minimum, self.maximum]
        if self.choices:
            data["choices"] = list(self.choices)
        return data


define(
    "param",
    {
        "activity_types": Msg(da="Aktivitetstyper (tom = alle)", en="Activity types (empty = all)"),
        "days": Msg(da="Antal dage", en="Days"),
        "period": Msg(da="Periode", en="Period"),
    },
)


def activity_types_param(default: Sequence[str]) -> ParamSpec:
    """`activity_types`: activity type names; empty means all types."""
    return ParamSpec("activity_types", "activity_types", tuple(default))


def days_param(default: int) -> ParamSpec:
    """`days`: a window length in whole days, 1–730."""
    return ParamSpec("days", "int", default, DAYS_MIN, DAYS_MAX)


def period_param(default: str = "month") -> ParamSpec:
    """`period`: a calendar period to date, or `rolling` (the last `days`)."""
    return ParamSpec("period", "choice", default, choices=PERIODS)


@dataclass(frozen=True)
class TemplateSpec:
    """A built-in KPI template as people and machines see it.

    `name`, `description` and `undefined` are messages in both languages, defined in the
    message catalogue as `template.<key>.name` etc. when the spec is made (so a template's
    words stay in its one module). `description` is a format string over the parameters:
    `{days}`, `{period}`, `{window}` (the period in words, e.g. "this month to date" or "in
    the last 30 days") and `{types}` (the activity types in words, see `describe`).
    """

    key: str
    name: Msg
    description: Msg
    params: tuple[ParamSpec, ...]
    unit: Unit
    direction: Direction
    # Why a value can be undefined (no value, no score: shown as "–"), or None if it never is.
    undefined: Msg | None = None
    # Position in the catalogue (lists, combo boxes); ties are ordered by key.
    order: int = 1000

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"template {self.key!r}: unknown unit {self.unit!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"template {self.key!r}: unknown direction {self.direction!r}")
        keys = [param.key for param in self.params]
        if len(set(keys)) != len(keys):
            raise ValueError(f"template {self.key!r}: duplicate parameter keys {keys}")
        texts = {"name": self.name, "description": self.description}
        if self.undefined is not None:
            texts["undefined"] = self.undefined
        define(f"template.{self.key}", texts)

    def title(self, lang: str = "da") -> str:
        """The template's name in `lang` (e.g. "KAM-dækning" / "Key account coverage")."""
        return self.name.text(lang)

    def why_undefined(self, lang: str = "da") -> str:
        """Why a value can be undefined, in `lang`; "" if it never is."""
        return self.undefined.text(lang) if self.undefined is not None else ""

    def param(self, key: str) -> ParamSpec:
        for param in self.params:
            if param.key == key:
                return param
        raise KeyError(key)

    def defaults(self) -> dict[str, Any]:
        return validate_params(self, {})

    def to_json(self) -> dict[str, Any]:
        """The template as plain JSON (for `kpidesk templates --json`)."""
        defaults = self.defaults()
        return {
            "key": self.key,
            "name_da": self.title("da"),
            "name_en": self.title("en"),
            "description_da": describe(self, defaults, "da"),
            "description_en": describe(self, defaults, "en"),
            "unit": self.unit,
            "direction": self.direction,
            "params": [param.to_json() for param in self.params],
        }


def _check_one(spec: TemplateSpec, param: ParamSpec, value: Any) -> Any:
    where = f"template {spec.key!r}, parameter {param.key!r}"
    if param.kind == "activity_types":
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ParamError(f"{where}: expected a list of activity type names, got {value!r}")
        if len(value) > MAX_ACTIVITY_TYPES_PER_RULE:
            raise ParamError(
                f"{where}: at most {MAX_ACTIVITY_TYPES_PER_RULE} activity types per rule, "
                f"not {len(value)}"
            )
        names: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise ParamError(f"{where}: activity type names must be non-empty text: {item!r}")
            if len(item.strip()) > ACTIVITY_TYPE_MAX:
                raise ParamError(
                    f"{where}: an activity type name has at most {ACTIVITY_TYPE_MAX} "
                    f"characters: {item.strip()[:40]!r}…"
                )
            if item.strip() not in names:
                names.append(item.strip())
        return names
    if param.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamError(f"{where}: expected a whole number, got {value!r}")
        if isinstance(value, float):
            if not value.is_integer():
                raise ParamError(f"{where}: expected a whole number, got {value!r}")
            value = int(value)
        low, high = param.minimum, param.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise ParamError(f"{where}: {value} is out of bounds ({low}–{high})")
        return value
    if param.kind == "choice":
        if value not in param.choices:
            raise ParamError(f"{where}: {value!r} is not one of {', '.join(param.choices)}")
        return value
    raise ParamError(f"{where}: unknown parameter kind {param.kind!r}")


def validate_params(spec: TemplateSpec, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters checked against the template, with defaults filled in.

    Raises `ParamError` for an unknown key, a wrong type or a value out of bounds.
    `activity_types` may be absent or empty (all types); `None` means the default.
    """
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ParamError(f"template {spec.key!r}: parameters must be an object, got {params!r}")
    known = {param.key for param in spec.params}
    unknown = sorted(str(key) for key in params if key not in known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise ParamError(
            f"template {spec.key!r}: unknown parameter {', '.join(unknown)} (allowed: {allowed})"
        )
    clean: dict[str, Any] = {}
    for param in spec.params:
        value = params.get(param.key)
        if value is None:
            value = list(param.default) if isinstance(param.default, tuple) else param.default
        clean[param.key] = _check_one(spec, param, value)
    return clean


define(
    "words",
    {
        "and": Msg(da="{first} og {last}", en="{first} and {last}"),
        "all_activities": Msg(da="aktiviteter (alle typer)", en="activities (all types)"),
        "some_activities": Msg(da="{types}", en="{types} activities"),
    },
)
define(
    "period",
    {
        "month": Msg(da="måned", en="month"),
        "quarter": Msg(da="kvartal", en="quarter"),
        "year": Msg(da="år", en="year"),
        "rolling": Msg(da="rullende", en="rolling"),
    },
)
define(
    "period.phrase",
    {
        "month": Msg(da="i denne måned indtil i dag", en="this month to date"),
        "quarter": Msg(da="i dette kvartal indtil i dag", en="this quarter to date"),
        "year": Msg(da="i år indtil i dag", en="this year to date"),
        "rolling": Msg(da="de sidste {days} dage", en="in the last {days} days"),
    },
)


def period_phrase(period: str, days: int, lang: str = "da") -> str:
    """A period in words: `i denne måned indtil i dag` / `in the last 30 days` (rolling)."""
    return say(f"period.phrase.{period}", lang, days=days)


def join_words(words: Sequence[str], lang: str = "da") -> str:
    """`A`, `A og B`, `A, B og C` (English: `and`)."""
    items = list(words)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return say("words.and", lang, first=", ".join(items[:-1]), last=items[-1])


def danish_plural(noun: str) -> str:
    """The plural of a Danish activity type name for a sentence: `Salgsmøde` → `Salgsmøder`.

    Nouns ending in an unstressed -e take -r; others (`Besøg`, `Telefonopkald`) are left as
    they are, which is right for most and never misleading.
    """
    return noun + "r" if noun.endswith("e") else noun


def types_phrase(types: Sequence[str], lang: str = "da") -> str:
    """The activity types in words: `Salgsmøder og Opgaver` / `Salgsmøde and Opgave activities`.

    The names are the CRM's own (Danish) words; a Danish sentence puts them in the plural, an
    English one names them before "activities".
    """
    if not types:
        return say("words.all_activities", lang)
    names = [danish_plural(name) for name in types] if language(lang) == "da" else list(types)
    return say("words.some_activities", lang, types=join_words(names, lang))


def describe(spec: TemplateSpec, params: Mapping[str, Any] | None = None, lang: str = "da") -> str:
    """One line saying what a rule with these parameters counts, in Danish or English.

    e.g. "Antal planlagte Salgsmøder de næste 14 dage, hvor brugeren deltager".
    """
    clean = validate_params(spec, params)
    values: dict[str, Any] = dict(clean)
    values["types"] = types_phrase(clean.get("activity_types", []), lang)
    if "period" in clean:
        values["period"] = say(f"period.{clean['period']}", lang)
        values["window"] = period_phrase(clean["period"], clean.get("days", 0), lang)
    return spec.description.text(lang, **values)
