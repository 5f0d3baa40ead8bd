"""Claims on inbox files (table ``intake_claim``): the write-ahead log of intake that makes every file taken
exactly once, whatever crashes or runs beside it.

A pass inserts the claim (state ``claimed``) before it writes the archive copy, marks it ``archived`` once the
copy is safe, ``recorded`` in the transaction that stages the submission and writes its receipt, and
``released`` once the inbox copy is gone. One open claim per inbox entry (a unique index); a pass works on a
claim only while it owns it: the pass that made it, or one that took it over by compare-and-swap from a pass
that is gone (its process dead on this host, or silent for longer than the lease).

May import: planeval.records, planeval.warehouse.db."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from planeval.records import ClaimState, Received
from planeval.warehouse.db import fetch_all, sql


@dataclass(frozen=True)
class Claim:
    submission_id: str
    unit_code: str
    inbox_path: str
    name_hex: str
    safe_name: str
    entry_kind: str
    sha256: str
    size_bytes: int
    mtime_ns: int
    ctime_ns: int
    archive_path: str
    uploaded_at: str
    received_at: str
    state: str
    pass_id: str
    holder: str
    claimed_at: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Claim:
        return cls(**{f.name: row[f.name] for f in fields(cls)})

    def received(self, form: str) -> Received:
        return Received(
            submission_id=self.submission_id,
            unit_code=self.unit_code,
            form=form,
            original_name=self.safe_name,
            archive_path=self.archive_path,
            sha256=self.sha256,
            size_bytes=self.size_bytes,
            uploaded_at=self.uploaded_at,
            received_at=self.received_at,
            entry_kind=self.entry_kind,
        )


def holder() -> str:
    """This process, as a claim names it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def find(engine: Engine, identity: dict[str, Any]) -> Claim | None:
    """The claim on an inbox entry (unit_code, name_hex, size_bytes, mtime_ns, ctime_ns, sha256) in any state:
    one entry is taken once, ever."""
    rows = fetch_all(engine, "select_claim_of_entry", **identity)
    return Claim.from_row(rows[0]) if rows else None


def find_of_pass(engine: Engine, pass_id: str, entry: dict[str, Any]) -> Claim | None:
    """The claim ``pass_id`` already made on an inbox entry as discovered (unit_code, inbox_path, size_bytes,
    mtime_ns): a cleared and re-run task recognises its own earlier work, even once the inbox copy is gone."""
    rows = fetch_all(engine, "select_pass_claim_of_entry", pass_id=pass_id, **entry)
    return Claim.from_row(rows[0]) if rows else None


def drop(engine: Engine, submission_id: str, pass_id: str) -> None:
    """Forget a claim of this pass whose file changed or vanished before its archive copy was complete."""
    with engine.begin() as connection:
        connection.execute(sql("delete_claimed_claim"), {"submission_id": submission_id, "pass_id": pass_id})


def insert(engine: Engine, claim: Claim) -> bool:
    """Write a new claim; False when another pass claimed the same entry first (the unique index)."""
    try:
        with engine.begin() as connection:
            connection.execute(sql("insert_intake_claim"), _columns(claim))
    except IntegrityError:
        return False
    return True


def _columns(claim: Claim) -> dict[str, Any]:
    return {f.name: getattr(claim, f.name) for f in fields(Claim)}


def get(engine: Engine, submission_ids: list[str]) -> dict[str, Claim]:
    if not submission_ids:
        return {}
    rows = fetch_all(engine, "select_claims", submission_ids=submission_ids)
    return {row["submission_id"]: Claim.from_row(row) for row in rows}


def in_state(engine: Engine, state: ClaimState) -> list[Claim]:
    return [Claim.from_row(row) for row in fetch_all(engine, "select_claims_in_state", state=state.value)]


def abandoned(claim: Claim, lease_seconds: float) -> bool:
    """Its owner is gone: a process of this host that no longer runs, or silent longer than the lease."""
    host, _, pid = claim.holder.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
        return True
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(claim.claimed_at)
    return age.total_seconds() > lease_seconds


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def take(engine: Engine, claim: Claim, pass_id: str, lease_seconds: float) -> bool:
    """Own the claim for ``pass_id``: already ours, or taken over from an abandoned owner by compare-and-swap
    (two passes taking it at once: one wins)."""
    if claim.pass_id != pass_id and not abandoned(claim, lease_seconds):
        return False
    with engine.begin() as connection:
        result = connection.execute(
            sql("take_claim"),
            {
                "submission_id": claim.submission_id,
                "pass_id": pass_id,
                "holder": holder(),
                "now": _now(),
                "seen_pass_id": claim.pass_id,
                "seen_claimed_at": claim.claimed_at,
                "state": claim.state,
            },
        )
    return result.rowcount == 1


def set_state(connection: Connection, submission_id: str, pass_id: str, state: ClaimState) -> None:
    """Move an owned claim on; an error when the pass no longer owns it (taken over meanwhile)."""
    result = connection.execute(
        sql("update_claim_state"),
        {"submission_id": submission_id, "pass_id": pass_id, "state": state.value, "now": _now()},
    )
    if result.rowcount != 1:
        raise ClaimLost(f"{submission_id}: taken over by another pass before it became {state.value}")


class ClaimLost(RuntimeError):
    """The claim passed to another pass (this one was silent past the lease): this pass stops on it."""
