"""Bringing the warehouse to the latest schema revision (Alembic over ``sql/migrations/``), safely when several
workers start together on SQLite or PostgreSQL.

May import: planeval.warehouse.db."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATED: set[str] = set()  # warehouse URLs this process has brought to the latest revision


_MIGRATING = threading.Lock()  # Alembic's context is process-global: one migration per process at a time


def alembic_config() -> Config:
    """Alembic's configuration for the package's migrations (``migrations/``), with no ini file."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return config


def ensure_schema(engine: Engine) -> None:
    """Bring the warehouse to the latest Alembic revision (idempotent; once per process and database)."""
    key = engine.url.render_as_string(hide_password=False)
    if key in _MIGRATED:
        return
    from alembic import command

    with _MIGRATING, _sqlite_file_lock(engine):
        if key in _MIGRATED:
            return
        config = alembic_config()
        with engine.begin() as connection:  # on PostgreSQL, other processes wait on migrations/env.py's lock
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _MIGRATED.add(key)


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """SQLite starts transactions lazily, so two processes could both see an empty schema: a lock file
    beside the database makes them migrate one after the other."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.migrate.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
