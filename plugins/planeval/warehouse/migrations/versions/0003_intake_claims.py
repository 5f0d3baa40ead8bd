"""Write-ahead intake: one claim row per inbox file taken, written before its archive copy.

Revision ID: 0003_intake_claims
Revises: 0002_raw_figures_and_lineage
"""

from planeval.warehouse.migrations.sql_file import run_sql_file

revision = "0003_intake_claims"
down_revision = "0002_raw_figures_and_lineage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0003_intake_claims.sql")


def downgrade() -> None:
    raise NotImplementedError("the warehouse is migrated forward only; restore a backup to go back")
