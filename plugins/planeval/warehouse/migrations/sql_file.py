"""Run one migration script of sql/migrations/ inside the Alembic migration context."""

from __future__ import annotations

from alembic import op

from planeval.settings import SQL_DIR


def split_statements(script: str) -> list[str]:
    """Statements of a DDL script (no semicolons inside literals in our schema files)."""
    without_comments = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    return [part.strip() for part in without_comments.split(";") if part.strip()]


def run_sql_file(name: str) -> None:
    for statement in split_statements((SQL_DIR / "migrations" / name).read_text(encoding="utf-8")):
        op.execute(statement)
