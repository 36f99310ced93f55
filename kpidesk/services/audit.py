"""The audit log of changes: who changed what, and when, written in the change's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kpidesk.data.models import AuditEntry, utcnow


def record(
    session: Session | Connection, *, actor: str, action: str, entity: str, key: str = "",
    details: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """One audit row in the caller's transaction (an ORM session, or the Core connection of a
    CSV import): it commits with the change or not at all."""
    row = {"at": utcnow(), "actor": actor, "action": action, "entity": entity,
           "entity_key": key, "details": details or {}}  # fmt: skip
    if isinstance(session, Session):
        session.add(AuditEntry(**row))
    else:
        session.execute(insert(AuditEntry).values(**row))
