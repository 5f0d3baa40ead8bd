"""The approved snapshot locked: campaign_lock, campaign_snapshot and campaign_reopening.

Revision ID: 0004_campaign_lock
Revises: 0003_intake_claims
"""

from planeval.warehouse.migrations.sql_file import run_sql_file

revision = "0004_campaign_lock"
down_revision = "0003_intake_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0004_campaign_lock.sql")


def downgrade() -> None:
    raise NotImplementedError("the warehouse is migrated forward only; restore a backup to go back")
