"""Imports from the data source, and which import each KPI run used.

`crm_imports` records every import the nightly run or `kpidesk sync` made from the
installation's data source (time, source, rows per file, the error of a failed one);
`kpi_run_data` links a KPI run to the import whose data it used and keeps the run log's
line about it. Both are new tables, so nothing existing is rebuilt.

Revision ID: 0008
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kpidesk.data.models
from kpidesk.data.timestamps import check_name, sqlite_canonical_check

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def _canonical(table: str, *columns: str) -> list[sa.CheckConstraint]:
    """SQLite: the timestamp columns take only the canonical text (as every other table's)."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    return [
        sa.CheckConstraint(sqlite_canonical_check(column), name=op.f(check_name(table, column)))
        for column in columns
    ]


def upgrade() -> None:
    op.create_table(
        "crm_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", kpidesk.data.models.UTCDateTime(), nullable=False),
        sa.Column("finished_at", kpidesk.data.models.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=1100), nullable=False),
        sa.Column("export_at", kpidesk.data.models.UTCDateTime(), nullable=True),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('success', 'failed')", name=op.f("ck_crm_imports_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_imports")),
        *_canonical("crm_imports", "started_at", "finished_at", "export_at"),
    )
    op.create_index(
        "ix_crm_imports_status_started_at", "crm_imports", ["status", "started_at"], unique=False
    )
    op.create_table(
        "kpi_run_data",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["crm_imports.id"],
            name=op.f("fk_kpi_run_data_import_id_crm_imports"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["kpi_runs.id"],
            name=op.f("fk_kpi_run_data_run_id_kpi_runs"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_kpi_run_data")),
    )
    op.create_index(op.f("ix_kpi_run_data_import_id"), "kpi_run_data", ["import_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kpi_run_data_import_id"), table_name="kpi_run_data")
    op.drop_table("kpi_run_data")
    op.drop_index("ix_crm_imports_status_started_at", table_name="crm_imports")
    op.drop_table("crm_imports")
