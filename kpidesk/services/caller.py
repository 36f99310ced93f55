"""Who is asking: every service checks the caller itself, not only the buttons."""

from __future__ import annotations

from dataclasses import dataclass


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
