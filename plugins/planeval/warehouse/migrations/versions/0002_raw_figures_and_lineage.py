"""Raw figures (staging and core), town sums, trend forecasts, the printed-cell mart with lineage.

Revision ID: 0002_raw_figures_and_lineage
Revises: 0001_warehouse
"""

from planeval.warehouse.migrations.sql_file import run_sql_file

revision = "0002_raw_figures_and_lineage"
down_revision = "0001_warehouse"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0002_raw_figures_and_lineage.sql")


def downgrade() -> None:
    raise NotImplementedError("the warehouse is migrated forward only; restore a backup to go back")
