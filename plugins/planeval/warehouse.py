"""The SQL warehouse: engines for SQLite and PostgreSQL, and the statements kept in ``sql/*.sql``."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, TextClause, bindparam, create_engine, event, text

from planeval.settings import SQL_DIR

_EXPANDING = re.compile(r":(\w+_ids)\b")  # parameters named *_ids bind a list: IN :submission_ids


@cache
def sql(name: str) -> TextClause:
    """The statement in ``sql/<name>.sql``, values bound by name, ``*_ids`` parameters expanded to lists."""
    statement = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    clause = text(statement)
    expanding = sorted(set(_EXPANDING.findall(statement)))
    if expanding:
        clause = clause.bindparams(*(bindparam(p, expanding=True) for p in expanding))
    return clause


def make_engine(url: str) -> Engine:
    """An engine for the warehouse; SQLite gets WAL and a busy timeout so readers never block the writer."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # pragma: no cover - exercised by every SQLite test
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


_MIGRATED: set[str] = set()  # warehouse URLs this process has brought to the latest revision
_MIGRATING = threading.Lock()  # Alembic's context is process-global: one migration per process at a time


def alembic_config():
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


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM planeval_schema_version")).scalar()


def fetch_all(engine: Engine, name: str, **parameters: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sql(name), parameters)]


def execute_many(connection, name: str, rows: Iterable[Mapping[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        connection.execute(sql(name), rows)
