-- Issue 14: write-ahead intake. One row per inbox file taken, written before its archive copy, so that a crash
-- at any point leaves the file either still in the inbox or archived and recorded (docs/intake-and-monitoring.md):
--   claimed   the row exists; the archive copy may be partial (the owner rewrites it, nobody else)
--   archived  the archive copy is complete, fsynced and read-only; validation may take it
--   recorded  its submission row, issues and receipt are committed; the inbox copy may go
--   released  the inbox copy is gone (or was replaced by the unit): the claim is history
-- One claim per inbox entry, ever (unit, name bytes, size, mtime, ctime, content): two passes never take a file
-- twice. The ctime (set by the file system when the file is created, not by a copy that keeps the mtime) tells
-- the file taken from an identical copy the unit puts back later, which is a new upload.
CREATE TABLE IF NOT EXISTS intake_claim (
    submission_id   TEXT PRIMARY KEY,
    unit_code       TEXT NOT NULL,
    inbox_path      TEXT NOT NULL,               -- printable form of the path found (see name_hex for the bytes)
    name_hex        TEXT NOT NULL,               -- the file name's exact bytes, hex: names that are not UTF-8 kept
    safe_name       TEXT NOT NULL,               -- the name shown in receipts, documents and the archive
    entry_kind      TEXT NOT NULL,               -- file | symlink | hardlink | fifo | device | socket
    sha256          TEXT NOT NULL,               -- of the content (of the link text for a refused link)
    size_bytes      BIGINT NOT NULL,
    mtime_ns        BIGINT NOT NULL,
    ctime_ns        BIGINT NOT NULL,
    archive_path    TEXT NOT NULL,
    uploaded_at     TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    state           TEXT NOT NULL,
    pass_id         TEXT NOT NULL,               -- the collection pass that owns it (an Airflow run, a CLI pass)
    holder          TEXT NOT NULL,               -- host:pid of the process that last took it
    claimed_at      TEXT NOT NULL,               -- ISO 8601 UTC, renewed whenever a pass takes it
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_intake_claim_entry
    ON intake_claim (unit_code, name_hex, size_bytes, mtime_ns, ctime_ns, sha256);
CREATE INDEX IF NOT EXISTS ix_intake_claim_state ON intake_claim (state, claimed_at);
