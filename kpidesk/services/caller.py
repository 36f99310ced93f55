"""Who is asking: every service checks the caller itself, not only the buttons."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from kpidesk.data.db import Database


class PermissionDenied(Exception):
    """The caller may not do this; the message is safe to show."""


@dataclass(frozen=True)
class Caller:
    login: str
    role: str  # "admin" | "user"
    user_id: int | None = None  # None for the command line and the scheduler

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def require_admin(self) -> None:
        if not self.is_admin:
            raise PermissionDenied("only an administrator may do this")

    def require_self_or_admin(self, user_id: int) -> None:
        if not self.is_admin and self.user_id != user_id:
            raise PermissionDenied("you may only see your own KPIs")


# The command line and the headless scheduler act with administrator rights (whoever can run
# them can already open the database directly); the audit log names them as such.
SYSTEM_CLI = Caller(login="cli", role="admin")
SYSTEM_SCHEDULER = Caller(login="scheduler", role="admin")


class AccountChanged(PermissionDenied):
    """The logged-in person was deactivated or lost a role since logging in.

    `reason` is "inactive" or "demoted", for a window that says it in the user's language.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(ACCOUNT_DEMOTED if reason == "demoted" else ACCOUNT_INACTIVE)


CallerFn = TypeVar("CallerFn", bound=Callable[..., Any])


def current(db: Database, caller: Caller) -> Caller:
    """The caller as the database says now: refused when deactivated, deleted or demoted.

    A login proves who someone was when they logged in; an administrator may deactivate or
    demote them minutes later, and their next action must not run with the old rights.
    The command line and the scheduler (no user id) are not people and pass as they are.
    """
    if caller.user_id is None:
        return caller
    # Here, not at the top: `kpidesk --version` imports SYSTEM_CLI and must not load SQLAlchemy.
    from sqlalchemy import select

    from kpidesk.data.models import User

    with db.session() as session:
        row = session.execute(
            select(User.role, User.active).where(User.id == caller.user_id)
        ).one_or_none()
    if row is None or not row.active:
        raise AccountChanged("inactive")
    if row.role != caller.role and caller.is_admin:
        raise AccountChanged("demoted")
    return caller


ACCOUNT_INACTIVE = "your account is no longer active: ask an administrator"
ACCOUNT_DEMOTED = "you are no longer an administrator: log in again"


def checked(fn: CallerFn) -> CallerFn:
    """Decorator for every service taking `(db, caller, …)`: `current()` runs first."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        current(bound.arguments["db"], bound.arguments["caller"])
        return fn(*args, **kwargs)

    wrapper.__kpidesk_checked__ = True  # type: ignore[attr-defined]
    return cast(CallerFn, wrapper)
