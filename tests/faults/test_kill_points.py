"""A collection pass killed (SIGKILL, as a power cut) at every named checkpoint, on SQLite and PostgreSQL:
nothing is lost or taken twice, and the next pass finishes the work — whether it sees the dead owner's pid
(same host) or only its expired lease (PLANEVAL_CLAIM_LEASE_SECONDS=0, the owner on another host)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from planeval.faults import CHECKPOINTS

from .conftest import mixed_batch, place
from .harness import check_invariant, cli_pass, db_rows, forked_pass, receipt_ids

pytestmark = pytest.mark.usefixtures("warm_gx")


def _kill_then_recover(home, db_url, forms, checkpoint, recovery, cli=False):
    """The killed pass is a ``planeval run collect`` process of its own (``cli``), or a forked child of this
    warm process (the same main(), seconds cheaper); the recovery passes are forked children."""
    entries = mixed_batch(home, forms)
    if cli:
        killed = cli_pass(PLANEVAL_FAULT_AT=checkpoint)
        assert killed.returncode == -9, (killed.returncode, killed.stderr.decode()[-2000:])
    else:
        assert forked_pass(PLANEVAL_FAULT_AT=checkpoint) == -9
    assert check_invariant(home, db_url, entries, complete=False) == []
    if recovery == "lease-expired-other-host":
        engine = create_engine(db_url)
        with engine.begin() as connection:  # the dead pass ran elsewhere: only its lease can free its claims
            connection.execute(text("UPDATE intake_claim SET holder = 'another-host:1'"))
        engine.dispose()
        assert forked_pass() == 0  # lease of an hour: the other host's claims are left alone, nothing lost
        assert check_invariant(home, db_url, entries, complete=False) == []
        assert forked_pass(PLANEVAL_CLAIM_LEASE_SECONDS="0") == 0
    else:
        assert forked_pass() == 0
    assert check_invariant(home, db_url, entries, complete=True) == []
    return entries


@pytest.mark.parametrize("recovery", ["dead-pid-same-host", "lease-expired-other-host"])
@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_kill_at_checkpoint_sqlite(units_ready, forms, checkpoint, recovery, monkeypatch):
    db_url = f"sqlite:///{units_ready / 'warehouse.db'}"
    monkeypatch.setenv("PLANEVAL_DB_URL", db_url)
    _kill_then_recover(units_ready, db_url, forms, checkpoint, recovery)


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_kill_at_checkpoint_postgresql(pg_url, units_ready, forms, checkpoint):
    # the CLI process for a checkpoint of each phase (taking, validating); forks of this process for the rest
    cli = checkpoint in ("copying", "receipts")
    _kill_then_recover(units_ready, pg_url, forms, checkpoint, "dead-pid-same-host", cli=cli)


def test_reupload_after_a_kill_at_released_is_recorded_again(units_ready, forms, monkeypatch):
    """Killed after removing an inbox copy but before marking its claim released: the claim stays 'recorded'.
    The unit later copies the very same file back (cp -p / rsync -t keep the mtime): it is a new upload and
    must get its own row and receipt (重复提交) — not be deleted silently as the already-recorded file."""
    db_url = f"sqlite:///{units_ready / 'warehouse.db'}"
    monkeypatch.setenv("PLANEVAL_DB_URL", db_url)
    source = forms["water_contacts"]
    entry = place(units_ready, "water", source, "水务局联系人.xlsx")
    stat = os.stat(entry.path(units_ready))
    assert forked_pass(PLANEVAL_FAULT_AT="released") == -9
    assert not os.path.lexists(entry.path(units_ready))
    assert forked_pass() == 0
    first = db_rows(db_url, "SELECT submission_id FROM submission")
    assert len(first) == 1
    again = place(units_ready, "water", source, "水务局联系人.xlsx")
    os.utime(again.path(units_ready), ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert forked_pass() == 0
    assert os.path.lexists(again.path(units_ready)) or len(db_rows(db_url, "SELECT 1 FROM submission")) == 2, (
        "the re-uploaded file was deleted from the inbox without a row or a receipt of its own"
    )
    rows = db_rows(db_url, "SELECT submission_id, status FROM submission ORDER BY received_at")
    _, history = receipt_ids(units_ready, "water")
    assert len(rows) == 2 and rows[1]["status"] == "duplicate", rows
    assert rows[1]["submission_id"] in history
