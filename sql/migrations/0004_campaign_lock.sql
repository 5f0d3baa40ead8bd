-- Issue 18 (D): the office's approval freezes a campaign's figures (docs/approval.md, docs/warehouse.md).
-- campaign_lock      one row per approval of the year-end report: who, when, the 意见, the snapshot's digest
-- campaign_snapshot  what that report was built from: each accepted submission version (its file's SHA-256)
--                    and each computed result row (the SHA-256 of its canonical JSON)
-- campaign_reopening the office's reopening of a lock, with its reason; a lock without one is in force
-- While a lock is in force an upload for the campaign is archived and receipted as 已锁定, never staged.
CREATE TABLE IF NOT EXISTS campaign_lock (
    lock_id         TEXT PRIMARY KEY,            -- <campaign>-L<n>, n = 1, 2, … per campaign
    campaign_code   TEXT NOT NULL,
    approved_by     TEXT NOT NULL,
    approval_comment TEXT NOT NULL,
    approved_at     TEXT NOT NULL,               -- ISO 8601 UTC
    snapshot_sha256 TEXT NOT NULL,               -- SHA-256 over the snapshot's items in key order
    item_count      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_campaign_lock_campaign ON campaign_lock (campaign_code, approved_at);

CREATE TABLE IF NOT EXISTS campaign_snapshot (
    lock_id         TEXT NOT NULL REFERENCES campaign_lock (lock_id),
    item_kind       TEXT NOT NULL,               -- submission | indicator_result | indicator_value | project_result
    item_key        TEXT NOT NULL,               -- submission_id, or plan/indicator/year/project codes
    unit_code       TEXT,                        -- submissions: the unit
    form            TEXT,                        -- submissions: the form
    version         INTEGER,                     -- submissions: the version that counted
    sha256          TEXT NOT NULL,               -- submissions: the archived file's; results: of the row
    PRIMARY KEY (lock_id, item_kind, item_key)
);

CREATE TABLE IF NOT EXISTS campaign_reopening (
    lock_id         TEXT PRIMARY KEY REFERENCES campaign_lock (lock_id),  -- the lock it ended (once)
    campaign_code   TEXT NOT NULL,
    reopened_by     TEXT NOT NULL,
    reopened_at     TEXT NOT NULL,               -- ISO 8601 UTC
    reason          TEXT NOT NULL
);
