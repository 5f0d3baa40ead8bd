"""The approved snapshot locked: the office's approval of a campaign's year-end report records what the report
was built from (each accepted submission version with its file's SHA-256, each computed result row with the
SHA-256 of its content) and locks the campaign; while the lock is in force an upload for the campaign is
receipted as 已锁定 and never staged. The office ends a lock by reopening the campaign with a reason; the
reopening is recorded too. docs/approval.md, docs/warehouse.md.

May import: planeval.warehouse.db.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from planeval.warehouse.db import execute_many, fetch_all, sql


@dataclass(frozen=True)
class Lock:
    """One approval's lock on a campaign."""

    lock_id: str
    campaign_code: str
    approved_by: str
    approval_comment: str
    approved_at: str  # ISO 8601 UTC
    snapshot_sha256: str
    item_count: int

    @property
    def short_digest(self) -> str:
        """The first 12 hex digits of the snapshot's SHA-256, as documents and receipts quote it."""
        return self.snapshot_sha256[:12]


@dataclass(frozen=True)
class SnapshotItem:
    item_kind: str  # submission | indicator_result | indicator_value | project_result
    item_key: str
    sha256: str
    unit_code: str | None = None
    form: str | None = None
    version: int | None = None


class CampaignLocked(RuntimeError):
    """The campaign's figures are locked by an approval and the requested change would alter them."""


class NotLocked(RuntimeError):
    """A reopening was asked for a campaign that is not locked."""


RESULT_QUERIES = (
    ("indicator_result", "select_indicator_results", ("plan_code", "indicator_code")),
    ("indicator_value", "select_indicator_result_values", ("indicator_code", "year")),
    ("project_result", "select_project_results", ("plan_code", "project_code")),
)


def row_digest(row: dict[str, Any]) -> str:
    """SHA-256 of a result row as canonical JSON (keys sorted, numbers as Python writes them)."""
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_items(connection: Connection, campaign_code: str) -> list[SnapshotItem]:
    """What the campaign's figures are built from right now, in key order."""
    items = [
        SnapshotItem(
            "submission", row["submission_id"], row["sha256"], row["unit_code"], row["form"], int(row["version"])
        )
        for row in _rows(connection, "select_snapshot_submissions", campaign_code)
    ]
    for kind, query, keys in RESULT_QUERIES:
        for row in _rows(connection, query, campaign_code):
            row.pop("campaign_code", None)
            key = "/".join(str(row[k]) for k in keys)
            items.append(SnapshotItem(kind, key, row_digest(row)))
    return sorted(items, key=lambda item: (item.item_kind, item.item_key))


def snapshot_digest(items: Iterable[SnapshotItem]) -> str:
    """SHA-256 over the items (kind, key, hash), one line each in key order: equal digests, equal figures."""
    lines = "".join(f"{item.item_kind}\t{item.item_key}\t{item.sha256}\n" for item in items)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def current_lock(source: Engine | Connection, campaign_code: str) -> Lock | None:
    """The lock in force for the campaign (the latest approval not ended by a reopening), or None."""
    if isinstance(source, Engine):
        with source.connect() as connection:
            return current_lock(connection, campaign_code)
    row = source.execute(sql("select_current_lock"), {"campaign_code": campaign_code}).mappings().first()
    return Lock(**dict(row)) if row else None


def lock_campaign(
    engine: Engine, campaign_code: str, approved_by: str, comment: str, now: dt.datetime | None = None
) -> tuple[Lock, bool]:
    """Record the approval and freeze the campaign's figures, lock and snapshot in one transaction. Returns
    (the lock, whether it is new). A lock already in force over the same figures is kept (a retried final
    report, or a year-end run again over locked data); one over different figures refuses (CampaignLocked)."""
    with engine.begin() as connection:
        items = snapshot_items(connection, campaign_code)
        digest = snapshot_digest(items)
        existing = current_lock(connection, campaign_code)
        if existing is not None:
            if existing.snapshot_sha256 == digest:
                return existing, False
            raise CampaignLocked(
                f"评估任务 {campaign_code} 已定稿锁定({existing.lock_id}),"
                "当前数据与锁定时不一致;如需重新定稿,请先重新开放(planeval campaign reopen)"
            )
        number = int(connection.execute(sql("select_lock_count"), {"campaign_code": campaign_code}).scalar() or 0)
        lock = Lock(
            lock_id=f"{campaign_code}-L{number + 1}",
            campaign_code=campaign_code,
            approved_by=approved_by,
            approval_comment=comment,
            approved_at=(now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds"),
            snapshot_sha256=digest,
            item_count=len(items),
        )
        connection.execute(sql("insert_campaign_lock"), vars(lock))
        execute_many(connection, "insert_campaign_snapshot", (vars(item) | {"lock_id": lock.lock_id} for item in items))
    return lock, True


def reopen_campaign(
    engine: Engine, campaign_code: str, reason: str, reopened_by: str, now: dt.datetime | None = None
) -> Lock:
    """End the lock in force with the office's reason (recorded: who, when, why, which lock). Returns the
    lock it ended; NotLocked when none is in force, ValueError without a reason."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("重新开放须填写原因")
    with engine.begin() as connection:
        lock = current_lock(connection, campaign_code)
        if lock is None:
            raise NotLocked(f"评估任务 {campaign_code} 未锁定,无需重新开放")
        connection.execute(
            sql("insert_campaign_reopening"),
            {
                "lock_id": lock.lock_id,
                "campaign_code": campaign_code,
                "reopened_by": reopened_by,
                "reopened_at": (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds"),
                "reason": reason,
            },
        )
    return lock


def lock_history(engine: Engine, campaign_code: str) -> list[dict[str, Any]]:
    """Every lock of the campaign, oldest first, with its reopening (reopened_by/at, reason) or None there."""
    return fetch_all(engine, "select_campaign_locks", campaign_code=campaign_code)


def frozen_items(engine: Engine, lock_id: str) -> list[SnapshotItem]:
    """The items a lock froze, in key order."""
    return [SnapshotItem(**row) for row in fetch_all(engine, "select_campaign_snapshot", lock_id=lock_id)]


def _rows(connection: Connection, query: str, campaign_code: str) -> list[dict[str, Any]]:
    return [dict(row) for row in connection.execute(sql(query), {"campaign_code": campaign_code}).mappings()]
