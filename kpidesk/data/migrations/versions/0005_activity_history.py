"""History as it was: when an activity was created and completed.

`activities.created_at` and `activities.completed_at` (both optional, as the CRM export gives
them) let a backfill see each activity as it was at D 00:00: not yet created, or still planned.
The covering indexes get both columns at their end so the as-of checks stay index-only, and
`completed_at` gets its own index for "still planned at D, done since" (overdue tasks).

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kpidesk.data.models

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

_COVERING = {
    "ix_activities_type_status_start": ["type", "status", "start_at", "company_id", "id"],
    "ix_activities_status_start": ["status", "start_at", "company_id", "id"],
}
_HISTORY = ["created_at", "completed_at"]


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("created_at", kpidesk.data.models.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("completed_at", kpidesk.data.models.UTCDateTime(), nullable=True)
        )
    for name, columns in _COVERING.items():
        op.drop_index(name, table_name="activities")
        op.create_index(name, "activities", [*columns, *_HISTORY], unique=False)
    op.create_index(
        "ix_activities_completed_at", "activities", ["completed_at", "start_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_activities_completed_at", table_name="activities")
    for name, columns in _COVERING.items():
        op.drop_index(name, table_name="activities")
        op.create_index(name, "activities", columns, unique=False)
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("completed_at")
        batch_op.drop_column("created_at")
