"""Shared fixtures: an isolated PLANEVAL_HOME, the real catalog, and warehouses on SQLite and PostgreSQL.

PostgreSQL tests use a fresh database per test session on 127.0.0.1:5432 (PLANEVAL_TEST_PG_URL to change);
they are skipped when it is unreachable on a laptop, and fail in CI (CI=true), where it must be up. Every skip
is listed in the run's summary (-ra); in CI any skip fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["GX_ANALYTICS_ENABLED"] = "false"  # before anything imports GX

from sqlalchemy import create_engine, text

from planeval.catalog import Catalog, load_catalog
from planeval.settings import DEFAULT_CATALOG, REPO_ROOT

PG_ADMIN_URL = os.environ.get("PLANEVAL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG)


@pytest.fixture(scope="session")
def campaign(catalog):
    return catalog.campaign(year=2025)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh PLANEVAL_HOME with the SQLite warehouse inside it."""
    monkeypatch.setenv("PLANEVAL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANEVAL_CATALOG", str(DEFAULT_CATALOG))
    monkeypatch.delenv("PLANEVAL_DB_URL", raising=False)
    monkeypatch.setenv("PLANEVAL_SETTLE_SECONDS", "0")  # files here are written before a pass starts
    return tmp_path / "home"


@pytest.fixture
def inboxes(home: Path) -> Path:
    """The drop folders of every unit of the default catalog's campaign, created as `planeval init` does."""
    from planeval.stages import setup

    setup.init_units()
    return home / "drop"


def _pg_available() -> bool:
    try:
        with create_engine(PG_ADMIN_URL).connect():
            return True
    except Exception:
        return False


def create_pg_database(prefix: str = "planeval_test") -> str:
    """Create an empty database; return its URL (dropped by the caller via drop_pg_database)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def require_postgres() -> None:
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unreachable at {PG_ADMIN_URL} (CI must have it: .ci/run starts it)")
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The warehouse URL, once on SQLite (in PLANEVAL_HOME) and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'warehouse.db'}"
        monkeypatch.setenv("PLANEVAL_DB_URL", url)
        yield url
        return
    require_postgres()
    url = create_pg_database()
    monkeypatch.setenv("PLANEVAL_DB_URL", url)
    try:
        yield url
    finally:
        drop_pg_database(url)  # WITH (FORCE) closes connections the code under test left pooled


@pytest.fixture(scope="session")
def gx_runner():
    """One GX context for the session, as a collection pass builds one per batch."""
    from planeval.validation.suites import GxRunner

    return GxRunner()


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


def _skipped(config: pytest.Config) -> list:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return list(reporter.stats.get("skipped", [])) if reporter else []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (CI=true) a skipped test is a failed run: nothing may be left unchecked for want of a tool."""
    if os.environ.get("CI") and _skipped(session.config) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = _skipped(config)
    if os.environ.get("CI") and skipped:
        terminalreporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped, which fails the run (system packages: tools/system-deps.sh)",
            red=True,
        )
