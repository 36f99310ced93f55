"""Covering index for templates over all activity types: status and time first.

`ix_activities_type_status_start` serves rules that name their activity types; rules over all
types (`completed_activities`, `neglected_accounts` by default) filter on status and a time
window only, and without this index read every activity row in the window from the table.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_activities_status_start",
        "activities",
        ["status", "start_at", "company_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_activities_status_start", table_name="activities")
