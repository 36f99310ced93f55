"""CRM keys as text: `crm_key` on users, companies, activities and opportunities.

Real CRMs key their rows with UUIDs, 18-character ids or codes; kpidesk keeps its integer
ids inside and stores the CRM's key beside them. Existing rows keep their ids and get their
old key as text (the id, or the login for users), so a re-import of the export they came
from matches them and every result stays as it was.

On SQLite the column is added in place (ALTER TABLE ADD COLUMN) with a unique index instead
of rebuilding the tables, which would run the foreign keys' ON DELETE actions on the rows
that refer to them; the import and the models always fill it. PostgreSQL also gets NOT NULL.

Revision ID: 0006
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

# table, key length, what existing rows' key is
TABLES = (
    ("users", 100, "login"),
    ("companies", 64, "CAST(id AS VARCHAR(20))"),
    ("activities", 64, "CAST(id AS VARCHAR(20))"),
    ("opportunities", 64, "CAST(id AS VARCHAR(20))"),
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, length, old_key in TABLES:
        op.add_column(table, sa.Column("crm_key", sa.String(length), nullable=True))
        op.execute(f"UPDATE {table} SET crm_key = {old_key}")
        if sqlite:
            op.create_index(f"uq_{table}_crm_key", table, ["crm_key"], unique=True)
        else:
            op.alter_column(table, "crm_key", existing_type=sa.String(length), nullable=False)
            op.create_unique_constraint(f"uq_{table}_crm_key", table, ["crm_key"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, _length, _old_key in reversed(TABLES):
        if sqlite:
            op.drop_index(f"uq_{table}_crm_key", table_name=table)
            op.execute(f"ALTER TABLE {table} DROP COLUMN crm_key")
        else:
            op.drop_constraint(f"uq_{table}_crm_key", table, type_="unique")
            op.drop_column(table, "crm_key")
