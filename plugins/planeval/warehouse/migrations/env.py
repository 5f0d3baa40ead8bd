"""Alembic environment for the planeval warehouse: migrations are SQL files in sql/migrations/.

Run through ``planeval.warehouse.ensure_schema`` (every stage calls it), never from a separate command, so
a fresh PLANEVAL_HOME or a new PostgreSQL database is brought up to date by whichever worker comes first.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

connection = context.config.attributes["connection"]
# its own version table: the warehouse may share a PostgreSQL database with Airflow, which has alembic_version
context.configure(
    connection=connection,
    target_metadata=None,
    transaction_per_migration=True,
    version_table="planeval_schema_version",
)
if connection.dialect.name == "postgresql":
    # several Celery workers may start on an empty database at once: one migrates, the others wait
    connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))
with context.begin_transaction():
    context.run_migrations()
