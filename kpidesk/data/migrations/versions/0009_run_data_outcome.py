"""What the import before each KPI run did: `kpi_run_data.outcome` and `attempt_id`.

The run log's note is words fixed at the night ("i nat"); the status bar and "Dagens KPI"
say the same later and in the reader's language, so they need the facts: the outcome
("imported", "nothing_new", "failed") and, for a failed import, which attempt it was.
Rows of earlier runs keep NULL (their note still says it).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kpi_run_data", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("attempt_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_kpi_run_data_attempt_id_crm_imports"),
            "crm_imports",
            ["attempt_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("kpi_run_data", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_kpi_run_data_attempt_id_crm_imports"), type_="foreignkey"
        )
        batch_op.drop_column("attempt_id")
        batch_op.drop_column("outcome")
