"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

from planeval.warehouse.migrations.sql_file import run_sql_file

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("${up_revision}.sql")


def downgrade() -> None:
    raise NotImplementedError("the warehouse is migrated forward only; restore a backup to go back")
