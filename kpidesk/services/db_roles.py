"""`kpidesk db roles`: PostgreSQL's roles and grants for a shared installation (IT, once)."""

from __future__ import annotations

from kpidesk.data.db import Database
from kpidesk.data.pgroles import RolesError, RolesReport, install_roles

__all__ = ["RolesError", "RolesReport", "install_database_roles"]


def install_database_roles(db: Database, scheduler_logins: tuple[str, ...] = ()) -> RolesReport:
    """Create or update every group, grant, policy and person's login role, in one go.

    Run as the database's owner after `kpidesk db upgrade` and after each CRM import that
    adds people or changes their role or active status; running it twice changes nothing.
    """
    if db.dialect != "postgresql":
        raise RolesError("database roles exist only on PostgreSQL; SQLite is the one-PC setup")
    with db.connect(write=True) as conn:
        return install_roles(conn, tuple(scheduler_logins))
