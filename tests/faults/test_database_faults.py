"""The warehouse unavailable: PostgreSQL unreachable (the pass fails before it takes anything: every file stays
in its inbox, nothing is archived), and a SQLite warehouse locked by another writer for a few seconds (the pass
waits within its busy timeout — 60 s, too long to exceed here — and then succeeds)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from .conftest import mixed_batch
from .harness import archive_files, check_invariant, cli_pass, forked_pass

pytestmark = pytest.mark.usefixtures("warm_gx")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens on it once the probe is closed


def test_postgresql_unreachable_fails_the_pass_and_takes_nothing(units_ready, forms, monkeypatch):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/planeval"
    monkeypatch.setenv("PLANEVAL_DB_URL", url)
    entries = mixed_batch(units_ready, forms)
    result = cli_pass(timeout=120)
    assert result.returncode not in (0, -9), result.returncode
    assert b"Traceback" not in result.stdout
    for entry in entries:
        with open(entry.path(units_ready), "rb") as handle:
            assert handle.read() == entry.content, f"{entry.name!r} changed in its inbox"
    assert archive_files(units_ready) == [], "an archive copy was written with no claim row to own it"
    assert not list((units_ready / "drop").glob("*/receipts/*.json"))


_HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
connection.execute("BEGIN EXCLUSIVE")
connection.execute("CREATE TABLE IF NOT EXISTS lock_holder (x)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


def test_sqlite_locked_by_another_writer_the_pass_waits_then_succeeds(units_ready, forms, monkeypatch):
    db_url = f"sqlite:///{units_ready / 'warehouse.db'}"
    monkeypatch.setenv("PLANEVAL_DB_URL", db_url)
    entries = mixed_batch(units_ready, forms)
    for entry in entries[2:]:  # two files are enough here
        (units_ready / "drop" / entry.unit / "inbox" / entry.name.decode()).unlink()
    entries = entries[:2]
    from planeval.warehouse.db import make_engine
    from planeval.warehouse.migrate import ensure_schema

    engine = make_engine(db_url)
    ensure_schema(engine)  # the warehouse exists (WAL) before the other writer locks it
    engine.dispose()
    hold = 5.0
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(units_ready / "warehouse.db"), str(hold)], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == b"locked"
        started = time.monotonic()
        assert forked_pass(timeout=90) == 0
        waited = time.monotonic() - started
    finally:
        holder.wait(30)
        holder.stdout.close()
    assert waited >= hold - 1.5, f"the pass finished in {waited:.1f}s while the warehouse was locked for {hold}s"
    assert check_invariant(units_ready, db_url, entries, complete=True) == []
