"""The 上报说明 of a warned value, stored with the value (issue 18: severity per rule).

Revision ID: 0004_value_explanations
Revises: 0003_intake_claims
"""

from planeval.warehouse.migrations.sql_file import run_sql_file

revision = "0004_value_explanations"
down_revision = "0003_intake_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0004_value_explanations.sql")


def downgrade() -> None:
    raise NotImplementedError("the warehouse is migrated forward only; restore a backup to go back")
