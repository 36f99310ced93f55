"""Profiles and the users in them, as "KPI opsætning" edits them, and how many rules suit a
profile.

Every function takes the database and the `Caller`, refuses anyone but an administrator, and
writes each change and its audit entry in one transaction (the rules themselves:
`kpidesk.services.setup`). Results are frozen dataclasses, so the GUI never holds an ORM
object or a session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from kpidesk.data.db import Database, has_server_roles
from kpidesk.data.models import KpiRule, KpiRuleProfile, Profile, User
from kpidesk.domain import limits
from kpidesk.domain.messages import Msg, define, say
from kpidesk.domain.names import clean_name
from kpidesk.services import audit
from kpidesk.services.caller import Caller, checked
from kpidesk.services.setup import (
    RuleInfo,
    SetupError,
    ValidationError,
    existing,
    same_name,
    writing,
)

PROFILE_NAME_MAX = limits.PROFILE_NAME_MAX
# The advice from the product's own words: 3–5 active rules per profile are clear and
# motivating, around 10 are not, 20 demotivate.
GUIDANCE_AMBER_FROM = 6
GUIDANCE_RED_FROM = 15
GUIDANCE_FEW_BELOW = 3


@dataclass(frozen=True)
class ProfileInfo:
    id: int
    name: str
    users_count: int
    active_rules_count: int
    rules_count: int


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    name: str
    role: str
    active: bool
    profile_id: int | None
    profile_name: str | None
    has_password: bool


define(
    "guidance",
    {
        "none": Msg(
            da="Ingen aktive regler endnu: 3–5 regler er klart og motiverende.",
            en="No active rules yet: 3–5 rules are clear and motivating.",
        ),
        "few": Msg(
            da=(
                "{n} aktiv regel: få; 3–5 regler er klart og motiverende.",
                "{n} aktive regler: få; 3–5 regler er klart og motiverende.",
            ),
            en=(
                "{n} active rule: few; 3–5 rules are clear and motivating.",
                "{n} active rules: few; 3–5 rules are clear and motivating.",
            ),
        ),
        "good": Msg(
            da="{n} aktive regler: klart og motiverende.",
            en="{n} active rules: clear and motivating.",
        ),
        "many": Msg(
            da="{n} aktive regler: for mange til at være klart; 3–5 er bedre.",
            en="{n} active rules: too many to be clear; 3–5 are better.",
        ),
        "too_many": Msg(
            da="{n} aktive regler: så mange demotiverer; vælg de 3–5 vigtigste.",
            en="{n} active rules: this many demotivate; keep the 3–5 that matter most.",
        ),
    },
)


@dataclass(frozen=True)
class Guidance:
    level: str  # "green" | "amber" | "red"
    advice: str  # the message's id under `guidance.` in the catalogue
    count: int  # active rules

    def message(self, language: str) -> str:
        return say(f"guidance.{self.advice}", language, n=self.count)


def rule_guidance(count: int) -> Guidance:
    """Advice for a profile with `count` active rules; advice only, never a blocking error."""
    if count <= 0:
        return Guidance("green", "none", count)
    if count < GUIDANCE_FEW_BELOW:
        return Guidance("green", "few", count)
    if count < GUIDANCE_AMBER_FROM:
        return Guidance("green", "good", count)
    if count < GUIDANCE_RED_FROM:
        return Guidance("amber", "many", count)
    return Guidance("red", "too_many", count)


def projected_rule_counts(
    rules: Iterable[RuleInfo],
    profile_ids: Iterable[int],
    *,
    editing_rule_id: int | None,
    active: bool,
) -> dict[int, int]:
    """How many active rules each chosen profile will have once the edited rule is saved."""
    chosen = set(profile_ids)
    counts = {profile_id: 0 for profile_id in chosen}
    for rule in rules:
        if rule.id == editing_rule_id or not rule.active:
            continue
        for profile_id in rule.profile_ids:
            if profile_id in counts:
                counts[profile_id] += 1
    if active:
        for profile_id in counts:
            counts[profile_id] += 1
    return counts


# --- profiles --------------------------------------------------------------------------------


def _clean_profile_name(session: Session, name: str, *, except_id: int | None = None) -> str:
    clean = clean_name(name)
    if not clean:
        raise ValidationError({"name": "a profile needs a name"})
    if len(clean) > PROFILE_NAME_MAX:
        raise ValidationError({"name": f"at most {PROFILE_NAME_MAX} characters"})
    clash = same_name(session, Profile.id, Profile.name, clean)
    if clash is not None and clash != except_id:
        raise ValidationError({"name": f"a profile named {clean!r} already exists"})
    return clean


def _profile(session: Session, profile_id: int) -> Profile:
    return existing(session, Profile, profile_id, "profile")


@checked
def list_profiles(db: Database, caller: Caller) -> list[ProfileInfo]:
    caller.require_admin()
    with db.session() as session:
        users = dict(
            session.execute(
                select(User.profile_id, func.count(User.id))
                .where(User.profile_id.is_not(None))
                .group_by(User.profile_id)
            ).all()
        )
        rules = dict(
            session.execute(
                select(KpiRuleProfile.profile_id, func.count()).group_by(KpiRuleProfile.profile_id)
            ).all()
        )
        active = dict(
            session.execute(
                select(KpiRuleProfile.profile_id, func.count())
                .join(KpiRule, KpiRule.id == KpiRuleProfile.rule_id)
                .where(KpiRule.active.is_(True))
                .group_by(KpiRuleProfile.profile_id)
            ).all()
        )
        profiles = session.execute(select(Profile.id, Profile.name).order_by(Profile.name)).all()
        return [
            ProfileInfo(pid, name, users.get(pid, 0), active.get(pid, 0), rules.get(pid, 0))
            for pid, name in profiles
        ]


@checked
def create_profile(db: Database, caller: Caller, name: str) -> ProfileInfo:
    caller.require_admin()
    with writing(db) as session:
        clean = _clean_profile_name(session, name)
        profile = Profile(name=clean)
        session.add(profile)
        session.flush()
        audit.record(session, actor=caller.login, action="create", entity="profile", key=clean)
        return ProfileInfo(profile.id, clean, 0, 0, 0)


@checked
def rename_profile(db: Database, caller: Caller, profile_id: int, name: str) -> None:
    caller.require_admin()
    with writing(db) as session:
        profile = _profile(session, profile_id)
        clean = _clean_profile_name(session, name, except_id=profile_id)
        if clean == profile.name:
            return
        old = profile.name
        profile.name = clean
        audit.record(
            session, actor=caller.login, action="rename", entity="profile", key=clean,
            details={"old": old, "new": clean},
        )  # fmt: skip


@checked
def delete_profile(db: Database, caller: Caller, profile_id: int) -> None:
    """Refused while users or rules use the profile; the message names them."""
    caller.require_admin()
    with writing(db) as session:
        profile = _profile(session, profile_id)
        logins = session.scalars(
            select(User.login).where(User.profile_id == profile_id).order_by(User.login)
        ).all()
        rule_names = session.scalars(
            select(KpiRule.name)
            .join(KpiRuleProfile, KpiRuleProfile.rule_id == KpiRule.id)
            .where(KpiRuleProfile.profile_id == profile_id)
            .order_by(KpiRule.name)
        ).all()
        reasons = []
        if logins:
            reasons.append(f"users {_some(logins)}")
        if rule_names:
            reasons.append(f"rules {_some(rule_names)}")
        if reasons:
            raise SetupError(f"profile {profile.name!r} is still used by {' and '.join(reasons)}")
        name = profile.name
        session.delete(profile)
        audit.record(session, actor=caller.login, action="delete", entity="profile", key=name)


def _some(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --- users -----------------------------------------------------------------------------------


@checked
def list_users(db: Database, caller: Caller, profile_id: int | None = None) -> list[UserInfo]:
    """All users, or only those of one profile."""
    caller.require_admin()
    server = has_server_roles(db)
    with db.session() as session:
        # Who can log in: a password hash, or (shared PostgreSQL) a login role that may.
        if server:
            can_log_in: Any = exists(
                select(text("1"))
                .select_from(text("pg_roles"))
                .where(text("pg_roles.rolname = users.login AND pg_roles.rolcanlogin"))
            )
        else:
            can_log_in = User.password_hash.is_not(None)
        query = (
            select(User, Profile.name, can_log_in)
            .outerjoin(Profile, Profile.id == User.profile_id)
            .order_by(User.name, User.login)
        )
        if profile_id is not None:
            query = query.where(User.profile_id == profile_id)
        return [
            UserInfo(
                user.id,
                user.login,
                user.name,
                user.role,
                user.active,
                user.profile_id,
                profile_name,
                bool(has_password),
            )  # fmt: skip
            for user, profile_name, has_password in session.execute(query)
        ]


@checked
def set_user_profile(db: Database, caller: Caller, user_id: int, profile_id: int | None) -> None:
    caller.require_admin()
    with writing(db) as session:
        user = existing(session, User, user_id, "user")
        new_name = _profile(session, profile_id).name if profile_id is not None else None
        if user.profile_id == profile_id:
            return
        old_name = user.profile.name if user.profile is not None else None
        user.profile_id = profile_id
        audit.record(
            session, actor=caller.login, action="set_profile", entity="user", key=user.login,
            details={"old": old_name, "new": new_name},
        )  # fmt: skip


@checked
def set_user_password(db: Database, caller: Caller, user_id: int, password: str) -> None:
    """Through the login service, which hashes, checks the policy and audits."""
    caller.require_admin()
    from kpidesk.services.auth import set_password

    with db.session() as session:
        login = session.scalar(select(User.login).where(User.id == user_id))
    if login is None:
        raise SetupError(f"user {user_id} does not exist")
    set_password(db, caller, login, password)
