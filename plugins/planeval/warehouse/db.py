"""The SQL warehouse: engines for SQLite and PostgreSQL, and the statements kept in ``sql/*.sql``.

May import: planeval.settings."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, TextClause, bindparam, create_engine, event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

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


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be reached or stays locked: the task fails with this message (Chinese) and Airflow
    retries it; nothing is lost (write-ahead intake keeps every file in its inbox until it is recorded)."""


P = ParamSpec("P")
R = TypeVar("R")


def translate_faults(function: Callable[P, R]) -> Callable[P, R]:
    """A stage entry point whose database faults (unreachable, locked, connection lost) surface as
    WarehouseUnavailable with a message an office can act on, instead of a driver traceback."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
            raise WarehouseUnavailable(
                f"数据仓库暂时无法连接或被锁定({reason});任务将自动重试,收件箱中的文件不会丢失"
            ) from exc

    return wrapper


def make_engine(url: str) -> Engine:
    """An engine for the warehouse; SQLite gets WAL and a busy timeout so readers never block the writer."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(  # pragma: no cover - exercised by every SQLite test
            connection: DBAPIConnection, _record: ConnectionPoolEntry
        ) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM planeval_schema_version")).scalar()


def fetch_all(engine: Engine, name: str, **parameters: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sql(name), parameters)]


def execute_many(connection: Connection, name: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Run statement ``name`` once per row (one executemany); nothing when there are no rows."""
    batch = list(rows)
    if batch:
        connection.execute(sql(name), batch)
