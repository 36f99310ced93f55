"""KPI setup, runs, results and the audit log.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kpidesk.data.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", kpidesk.data.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", kpidesk.data.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_kpi_rules_name")),
    )

    op.create_table(
        "kpi_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("started_at", kpidesk.data.models.UTCDateTime(), nullable=False),
        sa.Column("finished_at", kpidesk.data.models.UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("users_count", sa.Integer(), nullable=False),
        sa.Column("rules_count", sa.Integer(), nullable=False),
        sa.Column("results_count", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'success', 'failed')", name=op.f("ck_kpi_runs_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_runs")),
    )
    with op.batch_alter_table("kpi_runs", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_runs_run_date_status", ["run_date", "status"], unique=False)

    op.create_table(
        "kpi_rule_profiles",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_kpi_rule_profiles_profile_id_profiles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["kpi_rules.id"],
            name=op.f("fk_kpi_rule_profiles_rule_id_kpi_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", "profile_id", name=op.f("pk_kpi_rule_profiles")),
    )
    with op.batch_alter_table("kpi_rule_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kpi_rule_profiles_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "kpi_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("computed_at", kpidesk.data.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["kpi_rules.id"],
            name=op.f("fk_kpi_results_rule_id_kpi_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["kpi_runs.id"],
            name=op.f("fk_kpi_results_run_id_kpi_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_kpi_results_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_results")),
        sa.UniqueConstraint("run_date", "user_id", "rule_id", name="uq_kpi_results_date_user_rule"),
    )
    with op.batch_alter_table("kpi_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kpi_results_user_rule_date", ["user_id", "rule_id", "run_date"], unique=False
        )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", kpidesk.data.models.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("kpi_results")
    op.drop_table("kpi_rule_profiles")
    op.drop_table("kpi_runs")
    op.drop_table("kpi_rules")
