"""The warehouse as of issue 3: submissions and their versions, staged rows, results, monitoring.

Revision ID: 0001_warehouse
Revises:
"""

from planeval.warehouse.migrations.sql_file import run_sql_file

revision = "0001_warehouse"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0001_warehouse.sql")


def downgrade() -> None:
    raise NotImplementedError("the warehouse is migrated forward only; restore a backup to go back")
