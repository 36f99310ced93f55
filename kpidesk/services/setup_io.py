"""The KPI setup as a JSON file: move it between installations, keep it in version control.

```
{"version": 1, "profiles": ["Salg", ...],
 "rules": [{"name", "template", "params": {...}, "target", "profiles": [...], "active"}],
 "assignments": {"login": "profile"}}          # optional
```
Targets are machine units: a fraction for percent templates (0.8 = 80 %). Import checks the
whole file first and reports every problem at once; only a clean file is written, in one
transaction with its audit entries. Rules are matched by name (updated), new ones inserted,
missing profiles created; rules and profiles the file does not mention are left alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from kpidesk.data.db import Database
from kpidesk.data.models import KpiRule, Profile, User
from kpidesk.domain import limits
from kpidesk.domain.names import clean_name, name_key
from kpidesk.services import audit
from kpidesk.services.caller import Caller, checked
from kpidesk.services.setup import rule_details

FORMAT_VERSION = 1
TOP_KEYS = ("version", "profiles", "rules", "assignments")
RULE_KEYS = ("name", "template", "params", "target", "profiles", "active")
RULE_NAME_MAX = limits.RULE_NAME_MAX
PROFILE_NAME_MAX = limits.PROFILE_NAME_MAX


MAX_NUMBER = 10**15  # a target beyond this is a typing accident, and floats lose digits there
MAX_NUMBER_DIGITS = 30  # characters of one number in a setup file (a bigger one is refused)
MAX_JSON_DEPTH = 20  # a setup file needs 4 levels; Python's parser gives up near 1,000
MAX_FILE_BYTES = 20_000_000


class SetupFileError(ValueError):
    """The setup file cannot be read as a setup at all; the message is one line."""


def load_setup_json(text: str) -> Any:
    """Parse a setup file, refusing what would crash or stall the parser or the engine.

    Numbers of more than MAX_NUMBER_DIGITS characters, NaN and Infinity, nesting deeper than
    MAX_JSON_DEPTH and files over MAX_FILE_BYTES get one line saying so, never a traceback.
    """
    if len(text) > MAX_FILE_BYTES:
        raise SetupFileError(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    depth = _nesting(text)
    if depth > MAX_JSON_DEPTH:
        raise SetupFileError(
            f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep; a setup file needs 4"
        )
    try:
        return json.loads(
            text, parse_int=_bounded(int), parse_float=_bounded(float),
            parse_constant=_no_constant,
        )  # fmt: skip
    except json.JSONDecodeError as exc:
        raise SetupFileError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise SetupFileError("the JSON is nested too deeply") from None


def _nesting(text: str) -> int:
    """How deep brackets nest outside strings (stops counting past the limit)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _bounded(kind: type[int] | type[float]) -> Any:
    def parse(literal: str) -> int | float:
        if len(literal) > MAX_NUMBER_DIGITS:
            raise SetupFileError(
                f"the number {literal[:12]}… has {len(literal)} characters; numbers in a setup "
                f"file have at most {MAX_NUMBER_DIGITS}"
            )
        value = kind(literal)
        if isinstance(value, float) and not math.isfinite(value):
            raise SetupFileError(f"the number {literal} is too large")
        return value

    return parse


def _no_constant(name: str) -> Any:
    raise SetupFileError(f"{name} is not a number a setup file may hold")


class SetupImportError(Exception):
    """The file cannot be imported; `errors` lists every problem, one line each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the setup file, nothing was "
            f"imported: " + "; ".join(self.errors)
        )


@dataclass(frozen=True)
class SetupImportReport:
    """What an import changed, for the command line and the log (its lists are filled while
    the import runs; the report itself is never reassigned)."""

    profiles_created: list[str] = field(default_factory=list)
    rules_created: list[str] = field(default_factory=list)
    rules_updated: list[str] = field(default_factory=list)
    rules_unchanged: list[str] = field(default_factory=list)
    assignments_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.profiles_created
            or self.rules_created
            or self.rules_updated
            or self.assignments_changed
        )

    def summary(self) -> str:
        return (
            f"profiles created: {len(self.profiles_created)}, rules created: "
            f"{len(self.rules_created)}, updated: {len(self.rules_updated)}, unchanged: "
            f"{len(self.rules_unchanged)}, users assigned: {len(self.assignments_changed)}"
        )


def _number(value: float) -> float | int:
    """Whole targets as integers, so the file reads as people wrote it."""
    return int(value) if float(value).is_integer() else float(value)


@checked
def export_setup(db: Database, caller: Caller) -> dict[str, Any]:
    """The installation's KPI setup (profiles, rules, users' profiles) as the import reads it."""
    caller.require_admin()
    with db.session() as session:
        profiles = list(session.scalars(select(Profile.name).order_by(Profile.name)))
        rules = session.scalars(
            select(KpiRule).options(selectinload(KpiRule.profiles)).order_by(KpiRule.id)
        ).all()
        rule_data = [{**rule_details(rule), "target": _number(rule.target)} for rule in rules]
        assignments = dict(
            session.execute(
                select(User.login, Profile.name)
                .join(Profile, Profile.id == User.profile_id)
                .order_by(User.login)
            ).all()
        )
    return {
        "version": FORMAT_VERSION,
        "profiles": profiles,
        "rules": rule_data,
        "assignments": assignments,
    }


@dataclass
class _CleanRule:
    name: str
    template: str
    params: dict[str, Any]
    target: float
    profiles: list[str]  # case-folded profile keys
    active: bool


def _clean_name(value: Any) -> str | None:
    return clean_name(value) if isinstance(value, str) and value.strip() else None


def _check(
    data: Any, known_profiles: Mapping[str, str], known_logins: Mapping[str, str]
) -> tuple[dict[str, str], list[_CleanRule], dict[str, str | None], list[str]]:
    """Every problem of the file at once, or the cleaned content.

    Returns (profiles to know: key → name, rules, assignments: login → profile key or None,
    errors). Profile keys are case-folded names, so "salg" in a rule means the profile "Salg".
    """
    from kpidesk.domain.templates import ParamError, validate_params
    from kpidesk.engine.catalogue import get_template

    errors: list[str] = []
    if not isinstance(data, Mapping):
        return {}, [], {}, ["the file must hold a JSON object with version, profiles and rules"]
    unknown = [str(key) for key in data if key not in TOP_KEYS]
    if unknown:
        errors.append(f"unknown key {', '.join(unknown)} (allowed: {', '.join(TOP_KEYS)})")
    version = data.get("version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        errors.append(f"version must be {FORMAT_VERSION}, not {version!r}")

    profiles: dict[str, str] = dict(known_profiles)
    listed = data.get("profiles", [])
    if not isinstance(listed, list):
        errors.append("profiles must be a list of profile names")
        listed = []
    seen: set[str] = set()
    for index, entry in enumerate(listed, start=1):
        name = _clean_name(entry)
        if name is None:
            errors.append(
                f"profiles[{index}]: a profile name must be non-empty text, not {entry!r}"
            )
        elif len(name) > PROFILE_NAME_MAX:
            errors.append(f"profile {name!r}: at most {PROFILE_NAME_MAX} characters")
        elif name_key(name) in seen:
            errors.append(f"profile {name!r} is listed twice")
        else:
            seen.add(name_key(name))
            profiles.setdefault(name_key(name), name)

    rules: list[_CleanRule] = []
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        errors.append("rules must be a list of rules")
        raw_rules = []
    if len(raw_rules) > limits.MAX_RULES:
        errors.append(f"at most {limits.MAX_RULES} rules, not {len(raw_rules)}")
        raw_rules = []
    names: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        where = f"rule {index}"
        if not isinstance(raw, Mapping):
            errors.append(f"{where}: must be an object with {', '.join(RULE_KEYS)}")
            continue
        name = _clean_name(raw.get("name"))
        if name is None:
            errors.append(f"{where}: a rule needs a name")
        else:
            where = f"rule {name!r}"
            if len(name) > RULE_NAME_MAX:
                errors.append(f"{where}: the name has more than {RULE_NAME_MAX} characters")
            if name_key(name) in names:
                errors.append(f"{where}: the name is used by another rule in the file")
            names.add(name_key(name))
        extra = [str(key) for key in raw if key not in RULE_KEYS]
        if extra:
            errors.append(f"{where}: unknown key {', '.join(extra)}")
        problems_before = len(errors)

        template = raw.get("template")
        params: dict[str, Any] = {}
        unit = "count"
        try:
            spec = get_template(template).spec if isinstance(template, str) else None
        except (KeyError, LookupError, ValueError):
            spec = None
        if spec is None:
            errors.append(f"{where}: unknown template {template!r}")
        else:
            unit = spec.unit
            try:
                params = validate_params(spec, raw.get("params") or {})
            except ParamError as exc:
                errors.append(f"{where}: {exc}")

        target = raw.get("target")
        checked_target: float | None = None
        if isinstance(target, int) and not isinstance(target, bool) and abs(target) > MAX_NUMBER:
            errors.append(f"{where}: the target is too large (at most {MAX_NUMBER:.0e})")
        elif isinstance(target, bool) or not isinstance(target, int | float):
            errors.append(f"{where}: the target must be a number, not {target!r}")
        elif not math.isfinite(target) or target < 0:
            errors.append(f"{where}: the target must be a number ≥ 0, not {target!r}")
        elif unit == "percent" and target > 1:
            errors.append(f"{where}: a percent target is a fraction (0.8 = 80 %), not {target!r}")
        else:
            checked_target = float(target)

        rule_profiles: list[str] = []
        raw_profiles = raw.get("profiles", [])
        if not isinstance(raw_profiles, list):
            errors.append(f"{where}: profiles must be a list of profile names")
            raw_profiles = []
        for entry in raw_profiles:
            profile = _clean_name(entry)
            if profile is None or name_key(profile) not in profiles:
                errors.append(
                    f'{where}: unknown profile {entry!r} (list it under "profiles" to create it)'
                )
            elif name_key(profile) not in rule_profiles:
                rule_profiles.append(name_key(profile))

        active = raw.get("active", True)
        if not isinstance(active, bool):
            errors.append(f"{where}: active must be true or false, not {active!r}")

        valid = len(errors) == problems_before and name is not None and spec is not None
        if valid and name is not None and spec is not None and checked_target is not None:
            rules.append(_CleanRule(name, spec.key, params, checked_target, rule_profiles, active))

    assignments: dict[str, str | None] = {}
    raw_assignments = data.get("assignments", {})
    if raw_assignments is None:
        raw_assignments = {}
    if not isinstance(raw_assignments, Mapping):
        errors.append('assignments must be an object of "login": "profile"')
        raw_assignments = {}
    for login, profile in raw_assignments.items():
        real_login = known_logins.get(name_key(str(login).strip()))
        if real_login is None:
            errors.append(f"assignments: unknown user {login!r}")
            continue
        if profile is None:
            assignments[real_login] = None
            continue
        clean = _clean_name(profile)
        if clean is None or name_key(clean) not in profiles:
            errors.append(f"assignments: user {login!r}: unknown profile {profile!r}")
            continue
        assignments[real_login] = name_key(clean)
    return profiles, rules, assignments, errors


@checked
def import_setup(db: Database, caller: Caller, data: dict[str, Any]) -> SetupImportReport:
    """Validate the whole setup file, then write all of it in one transaction, or nothing.

    Raises `SetupImportError` listing every problem; every change is audited as the caller.
    """
    caller.require_admin()
    report = SetupImportReport()
    try:
        with db.session(write=True) as session:
            existing_profiles = {name_key(p.name): p for p in session.scalars(select(Profile))}
            users = {name_key(u.login): u for u in session.scalars(select(User))}
            profile_names, rules, assignments, errors = _check(
                data,
                {key: p.name for key, p in existing_profiles.items()},
                {key: u.login for key, u in users.items()},
            )
            if errors:
                raise SetupImportError(errors)

            profiles = dict(existing_profiles)
            for key, name in profile_names.items():
                if key not in profiles:
                    profiles[key] = Profile(name=name)
                    session.add(profiles[key])
                    report.profiles_created.append(name)
                    audit.record(session, actor=caller.login, action="create", entity="profile",
                                 key=name, details={"source": "setup import"})  # fmt: skip
            session.flush()

            existing_rules = {
                name_key(r.name): r
                for r in session.scalars(select(KpiRule).options(selectinload(KpiRule.profiles)))
            }
            added = sum(1 for clean in rules if clean.name.casefold() not in existing_rules)
            if len(existing_rules) + added > limits.MAX_RULES:
                raise SetupImportError([
                    f"the installation would hold {len(existing_rules) + added} rules; "
                    f"at most {limits.MAX_RULES} are allowed"
                ])  # fmt: skip
            for clean in rules:
                wanted: dict[str, Any] = {
                    "name": clean.name,
                    "template": clean.template,
                    "params": clean.params,
                    "target": clean.target,
                    "profiles": [profiles[key].name for key in clean.profiles],
                    "active": clean.active,
                }
                rule = existing_rules.get(name_key(clean.name))
                if rule is None:
                    rule = KpiRule(
                        name=clean.name, template=clean.template, params=clean.params,
                        target=clean.target, active=clean.active,
                        profiles=[profiles[key] for key in clean.profiles],
                    )  # fmt: skip
                    session.add(rule)
                    report.rules_created.append(clean.name)
                    details = {**wanted, "source": "setup import"}
                    audit.record(session, actor=caller.login, action="create", entity="rule",
                                 key=clean.name, details=details)  # fmt: skip
                    continue
                before = rule_details(rule)
                changed = {
                    key: {"old": before[key], "new": value}
                    for key, value in wanted.items()
                    if (sorted(before[key]) if key == "profiles" else before[key])
                    != (sorted(value) if key == "profiles" else value)
                }
                if not changed:
                    report.rules_unchanged.append(rule.name)
                    continue
                rule.name = clean.name
                rule.template = clean.template
                rule.params = clean.params
                rule.target = clean.target
                rule.active = clean.active
                rule.profiles = [profiles[key] for key in clean.profiles]
                report.rules_updated.append(clean.name)
                details = {**changed, "source": "setup import"}
                audit.record(session, actor=caller.login, action="update", entity="rule",
                             key=clean.name, details=details)  # fmt: skip

            names_by_id = {p.id: p.name for p in profiles.values()}
            for login, profile_key in assignments.items():
                user = users[name_key(login)]
                new = profiles[profile_key] if profile_key is not None else None
                old_name = names_by_id.get(user.profile_id) if user.profile_id else None
                new_name = new.name if new is not None else None
                if old_name == new_name:
                    continue
                user.profile_id = new.id if new is not None else None
                report.assignments_changed.append(login)
                audit.record(session, actor=caller.login, action="update", entity="user",
                             key=login, details={"profile": {"old": old_name, "new": new_name},
                                                 "source": "setup import"})  # fmt: skip
            if report.changed:
                audit.record(session, actor=caller.login, action="import", entity="setup",
                             details={"summary": report.summary()})  # fmt: skip
            session.flush()
    except IntegrityError as exc:
        raise SetupImportError(
            ["the setup conflicts with a change someone else just saved; try again"]
        ) from exc
    return report
