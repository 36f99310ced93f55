"""The audit log of setup changes: who changed what, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kpidesk.data.models import AuditEntry


def record(
    session: Session, *, actor: str, action: str, entity: str, key: str = "",
    details: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    session.add(AuditEntry(actor=actor, action=action, entity=entity, entity_key=key,
                           details=details or {}))  # fmt: skip
