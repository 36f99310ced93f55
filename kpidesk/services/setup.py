"""The KPI rules as "KPI opsætning" and the rule editor edit them, with the template
catalogue and a live preview (profiles and users: `kpidesk.services.people`).

Every function takes the database and the `Caller`, refuses anyone but an administrator, and
writes each change and its audit entry in one transaction. Results are frozen dataclasses, so
the GUI never holds an ORM object or a session.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from kpidesk.data.db import Database
from kpidesk.data.models import Activity, Base, KpiResult, KpiRule, KpiRun, Profile
from kpidesk.domain import limits
from kpidesk.domain.names import clean_name, name_key
from kpidesk.domain.templates import TemplateSpec
from kpidesk.services import audit
from kpidesk.services.caller import Caller, checked
from kpidesk.services.settings import today

if TYPE_CHECKING:
    from kpidesk.engine.preview import PreviewRow as PreviewRow

NAME_MAX = limits.RULE_NAME_MAX
RowT = TypeVar("RowT", bound=Base)


class SetupError(Exception):
    """A setup change that cannot be made; the message is one line, safe to show."""


class ValidationError(SetupError):
    """Invalid input; `fields` maps each offending field ("name", "target", a param key …) to
    its message, so an editor can show each message next to its field."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields: dict[str, str] = dict(fields)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.fields.items()))


@dataclass(frozen=True)
class RuleInfo:
    id: int
    name: str
    template: str
    params: dict[str, Any]
    target: float  # machine units: a fraction for percent templates
    active: bool
    profile_ids: tuple[int, ...]
    profile_names: tuple[str, ...]
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class RuleDraft:
    """What the rule editor hands in: target in machine units (a fraction for percents)."""

    name: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)
    target: float = 0.0
    profile_ids: tuple[int, ...] = ()
    active: bool = True


def same_name(
    session: Session,
    id_column: InstrumentedAttribute[int],
    name_column: InstrumentedAttribute[str],
    name: str,
) -> int | None:
    """The id of the row whose name equals `name` by `name_key` (compared in Python: SQLite's
    lower() folds ASCII only), or None."""
    key = name_key(name)
    for row_id, stored in session.execute(select(id_column, name_column)):
        if name_key(stored) == key:
            return int(row_id)
    return None


# --- rules -----------------------------------------------------------------------------------


def _rule_info(rule: KpiRule) -> RuleInfo:
    return RuleInfo(
        id=rule.id,
        name=rule.name,
        template=rule.template,
        params=dict(rule.params or {}),
        target=float(rule.target),
        active=bool(rule.active),
        profile_ids=tuple(p.id for p in rule.profiles),
        profile_names=tuple(p.name for p in rule.profiles),
        updated_at=rule.updated_at,
    )


def existing(session: Session, model: type[RowT], row_id: int, what: str) -> RowT:
    """The row with this id, or a one-line `SetupError` naming what is missing."""
    row = session.get(model, row_id)
    if row is None:
        raise SetupError(f"{what} {row_id} does not exist")
    return row


def _rule(session: Session, rule_id: int) -> KpiRule:
    return existing(session, KpiRule, rule_id, "rule")


@checked
def list_rules(db: Database, caller: Caller) -> list[RuleInfo]:
    caller.require_admin()
    with db.session() as session:
        # The profiles of all rules in one more statement, not one per rule.
        rules = session.scalars(
            select(KpiRule).options(selectinload(KpiRule.profiles)).order_by(KpiRule.name)
        ).all()
        return [_rule_info(rule) for rule in rules]


def check_rule(
    session: Session, draft: RuleDraft, *, except_id: int | None = None
) -> tuple[str, dict[str, Any], list[Profile]]:
    """Validate everything about a draft before anything is written; all problems at once."""
    from kpidesk.domain.templates import ParamError, validate_params
    from kpidesk.engine.catalogue import get_template

    problems: dict[str, str] = {}
    name = clean_name(draft.name)
    if not name:
        problems["name"] = "a rule needs a name"
    elif len(name) > NAME_MAX:
        problems["name"] = f"at most {NAME_MAX} characters"
    else:
        clash = same_name(session, KpiRule.id, KpiRule.name, name)
        if clash is not None and clash != except_id:
            problems["name"] = f"a rule named {name!r} already exists"
    params: dict[str, Any] = {}
    try:
        spec = get_template(draft.template).spec
    except (KeyError, LookupError, ValueError):
        problems["template"] = f"unknown template {draft.template!r}"
    else:
        try:
            params = validate_params(spec, dict(draft.params))
        except ParamError as exc:
            problems[param_field(exc, spec)] = str(exc)
    target = draft.target
    if not isinstance(target, int | float) or not math.isfinite(target):
        problems["target"] = "the target must be a number"
    elif target < 0:
        problems["target"] = "the target cannot be negative"
    profiles = []
    for profile_id in dict.fromkeys(draft.profile_ids):
        profile = session.get(Profile, profile_id)
        if profile is None:
            problems["profiles"] = f"profile {profile_id} does not exist"
        else:
            profiles.append(profile)
    if problems:
        raise ValidationError(problems)
    return name, params, profiles


def _room_for_a_rule(session: Session) -> None:
    count = session.scalar(select(func.count()).select_from(KpiRule)) or 0
    if count >= limits.MAX_RULES:
        raise SetupError(
            f"an installation holds at most {limits.MAX_RULES} rules: delete one first"
        )


def param_field(exc: Exception, spec: TemplateSpec) -> str:
    """The parameter a ParamError is about, so the editor can put the message beside it."""
    for attribute in ("key", "param", "name", "field"):
        value = getattr(exc, attribute, None)
        if isinstance(value, str) and value:
            return value
    text = str(exc)
    keys = [key for key in (getattr(p, "key", None) for p in spec.params) if isinstance(key, str)]
    for pattern in ("parameter {!r}", "{!r}", "{}"):
        for key in keys:
            if pattern.format(key) in text:
                return key
    return "params"


@checked
def create_rule(db: Database, caller: Caller, draft: RuleDraft) -> RuleInfo:
    caller.require_admin()
    with writing(db) as session:
        _room_for_a_rule(session)
        name, params, profiles = check_rule(session, draft)
        rule = KpiRule(
            name=name, template=draft.template, params=params, target=float(draft.target),
            active=draft.active, profiles=profiles,
        )  # fmt: skip
        session.add(rule)
        session.flush()
        audit.record(
            session, actor=caller.login, action="create", entity="rule", key=name,
            details=rule_details(rule),
        )  # fmt: skip
        return _rule_info(rule)


@checked
def update_rule(db: Database, caller: Caller, rule_id: int, draft: RuleDraft) -> RuleInfo:
    caller.require_admin()
    with writing(db) as session:
        rule = _rule(session, rule_id)
        name, params, profiles = check_rule(session, draft, except_id=rule_id)
        before = rule_details(rule)
        rule.name = name
        rule.template = draft.template
        rule.params = params
        rule.target = float(draft.target)
        rule.active = draft.active
        rule.profiles = profiles
        session.flush()
        after = rule_details(rule)
        changed = {key: {"old": before[key], "new": after[key]}
                   for key in after if before.get(key) != after[key]}  # fmt: skip
        if changed:
            audit.record(
                session, actor=caller.login, action="update", entity="rule", key=name,
                details=changed,
            )  # fmt: skip
        return _rule_info(rule)


@checked
def duplicate_rule(db: Database, caller: Caller, rule_id: int) -> RuleInfo:
    """A copy named "<name> (kopi)", "<name> (kopi 2)" …, inactive so it changes nothing yet."""
    caller.require_admin()
    with writing(db) as session:
        original = _rule(session, rule_id)
        _room_for_a_rule(session)
        taken = {name_key(n) for n in session.scalars(select(KpiRule.name)).all()}
        base = original.name
        candidate = f"{base} (kopi)"
        number = 2
        while name_key(candidate) in taken or len(candidate) > NAME_MAX:
            if len(candidate) > NAME_MAX:
                base = base[: max(1, len(base) - (len(candidate) - NAME_MAX))]
            candidate = f"{base} (kopi {number})" if number > 1 else f"{base} (kopi)"
            number += 1
        copy = KpiRule(
            name=candidate, template=original.template, params=dict(original.params or {}),
            target=original.target, active=False, profiles=list(original.profiles),
        )  # fmt: skip
        session.add(copy)
        session.flush()
        audit.record(
            session, actor=caller.login, action="duplicate", entity="rule", key=candidate,
            details={"from": original.name, **rule_details(copy)},
        )  # fmt: skip
        return _rule_info(copy)


@checked
def delete_rule(db: Database, caller: Caller, rule_id: int) -> None:
    """Deletes the rule and, with it, its results (the history goes too: the GUI confirms).

    The runs that calculated it are counted again, so the run log's users, rules and results
    say what is kept.
    """
    caller.require_admin()
    with writing(db) as session:
        rule = _rule(session, rule_id)
        details = rule_details(rule)
        runs = session.scalars(
            select(KpiResult.run_id).where(KpiResult.rule_id == rule_id).distinct()
        ).all()
        session.delete(rule)
        session.flush()  # its results go with it (ON DELETE CASCADE)
        _recount_runs(session, [run for run in runs if run is not None])
        audit.record(
            session, actor=caller.login, action="delete", entity="rule", key=details["name"],
            details=details,
        )  # fmt: skip


def _recount_runs(session: Session, run_ids: list[int]) -> None:
    """The runs' counters after a rule of theirs went: users and results as kept, one rule less."""
    if not run_ids:
        return
    kept = select(func.count()).where(KpiResult.run_id == KpiRun.id).scalar_subquery()
    users = (
        select(func.count(func.distinct(KpiResult.user_id)))
        .where(KpiResult.run_id == KpiRun.id)
        .scalar_subquery()
    )
    session.execute(
        update(KpiRun)
        .where(KpiRun.id.in_(run_ids))
        .values(results_count=kept, users_count=users, rules_count=KpiRun.rules_count - 1)
        .execution_options(synchronize_session=False)
    )


@checked
def set_rule_active(db: Database, caller: Caller, rule_id: int, active: bool) -> RuleInfo:
    caller.require_admin()
    with writing(db) as session:
        rule = _rule(session, rule_id)
        if rule.active != active:
            rule.active = active
            audit.record(
                session, actor=caller.login, action="activate" if active else "deactivate",
                entity="rule", key=rule.name,
            )  # fmt: skip
        session.flush()
        return _rule_info(rule)


def rule_details(rule: KpiRule) -> dict[str, Any]:
    """A rule as plain values, in the setup file's order: what its audit entries record, and
    what `kpidesk setup export` writes (`setup_io`)."""
    return {
        "name": rule.name,
        "template": rule.template,
        "params": dict(rule.params or {}),
        "target": float(rule.target),
        "profiles": [p.name for p in rule.profiles],
        "active": bool(rule.active),
    }


# --- templates, guidance, activity types, preview -------------------------------------


def template_specs() -> list[TemplateSpec]:
    """The built-in templates in their `spec.order` (`kpidesk templates` prints them too)."""
    from kpidesk.engine.catalogue import TEMPLATES

    return [template.spec for template in TEMPLATES.values()]  # the catalogue keeps that order


@checked
def activity_types(db: Database, caller: Caller) -> list[str]:
    """The activity types found in the data, for the rule editor's multi-select."""
    caller.require_admin()
    with db.session() as session:
        return list(session.scalars(select(Activity.type).distinct().order_by(Activity.type)))


@checked
def preview(
    db: Database,
    caller: Caller,
    template_key: str,
    params: Mapping[str, Any],
    target: float,
    profile_ids: Sequence[int],
    run_date: dt.date | None = None,
) -> list[PreviewRow]:
    """What a rule (saved or not) gives today for each user of its profiles: the engine's rows."""
    caller.require_admin()
    from kpidesk.domain.templates import ParamError, validate_params
    from kpidesk.engine.catalogue import get_template
    from kpidesk.engine.preview import preview_rule

    try:
        spec = get_template(template_key).spec
    except (KeyError, LookupError, ValueError) as exc:
        raise ValidationError({"template": f"unknown template {template_key!r}"}) from exc
    try:
        clean = validate_params(spec, dict(params))
    except ParamError as exc:
        raise ValidationError({param_field(exc, spec): str(exc)}) from exc
    return list(
        preview_rule(db, template_key, clean, float(target), list(profile_ids),
                     run_date or today(db))
    )  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def writing(db: Database) -> Iterator[Session]:
    """A write session that turns a lost race on a unique name into a one-line error (the
    setup services' and `people`'s)."""
    try:
        with db.session(write=True) as session:
            yield session
    except IntegrityError as exc:
        raise SetupError(
            "the change conflicts with data someone else just saved; reload and try again"
        ) from exc
