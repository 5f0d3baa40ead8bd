"""The 上报说明 of a warned value, stored with the value (issue 18: severity per rule).

Revision ID: 0005_value_explanations
Revises: 0004_campaign_lock
"""

from planeval.warehouse.migrations.sql_file import run_sql_file

revision = "0005_value_explanations"
down_revision = "0004_campaign_lock"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0005_value_explanations.sql")


def downgrade() -> None:
    raise NotImplementedError("the warehouse is migrated forward only; restore a backup to go back")
