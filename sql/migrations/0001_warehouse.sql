-- planeval warehouse. Portable SQL: runs unchanged on SQLite (embedded default) and PostgreSQL.
-- Staging: what each submission said (every version kept, rejected ones too, for feedback).
-- Marts: the municipal tables computed from the latest accepted submission of each unit.

CREATE TABLE IF NOT EXISTS submission (
    submission_id   TEXT PRIMARY KEY,            -- <unit>-<received UTC stamp>-<sha256[:8]>
    campaign_code   TEXT NOT NULL,
    unit_code       TEXT NOT NULL,
    form            TEXT NOT NULL,               -- indicator_table | summary_report | unknown
    original_name   TEXT NOT NULL,
    archive_path    TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    uploaded_at     TEXT NOT NULL,               -- ISO 8601 UTC file time: the unit's order of versions
    received_at     TEXT NOT NULL,               -- ISO 8601 UTC time planeval took the file
    status          TEXT NOT NULL,               -- accepted | rejected | duplicate (same bytes as duplicate_of)
    error_count     INTEGER NOT NULL,
    warning_count   INTEGER NOT NULL,
    version         INTEGER NOT NULL,            -- 1, 2, … per campaign × unit × form, in the order received
    superseded_by   TEXT,                        -- accepted versions: the newer accepted version that replaced it
    duplicate_of    TEXT                         -- duplicates: the earlier version with the same sha256
);
CREATE INDEX IF NOT EXISTS ix_submission_unit ON submission (campaign_code, unit_code, form, version);
CREATE INDEX IF NOT EXISTS ix_submission_sha ON submission (campaign_code, unit_code, sha256);

CREATE TABLE IF NOT EXISTS submission_issue (
    submission_id   TEXT NOT NULL REFERENCES submission (submission_id),
    seq             INTEGER NOT NULL,
    severity        TEXT NOT NULL,               -- error | warning
    code            TEXT NOT NULL,
    message         TEXT NOT NULL,
    sheet           TEXT,
    row_number      INTEGER,
    column_letter   TEXT,
    PRIMARY KEY (submission_id, seq)
);

CREATE TABLE IF NOT EXISTS submission_indicator (
    submission_id   TEXT NOT NULL REFERENCES submission (submission_id),
    plan_code       TEXT NOT NULL,
    indicator_code  TEXT NOT NULL,
    sheet           TEXT NOT NULL,
    row_number      INTEGER NOT NULL,
    to_date_reported     TEXT,                  -- 前四年年均/累计 as the unit wrote it
    full_period_reported TEXT,                  -- 五年年均/累计 as the unit wrote it
    self_rating     TEXT,
    analysis        TEXT,
    PRIMARY KEY (submission_id, plan_code, indicator_code)
);

CREATE TABLE IF NOT EXISTS submission_value (
    submission_id   TEXT NOT NULL REFERENCES submission (submission_id),
    plan_code       TEXT NOT NULL,
    indicator_code  TEXT NOT NULL,
    year            INTEGER NOT NULL,
    is_forecast     INTEGER NOT NULL,            -- 1 for the end-of-plan forecast column
    value           DOUBLE PRECISION NOT NULL,
    cell            TEXT NOT NULL,               -- lineage: sheet!A1 of the submitted file
    PRIMARY KEY (submission_id, plan_code, indicator_code, year)
);

CREATE TABLE IF NOT EXISTS submission_project (
    submission_id   TEXT NOT NULL REFERENCES submission (submission_id),
    project_code    TEXT NOT NULL,
    progress        TEXT,
    results         TEXT,
    cell            TEXT NOT NULL,
    PRIMARY KEY (submission_id, project_code)
);

-- Work-point progress (工作要点完成情况表) and contacts (附件7) as the unit reported them.
CREATE TABLE IF NOT EXISTS submission_task (
    submission_id   TEXT NOT NULL REFERENCES submission (submission_id),
    task_code       TEXT NOT NULL,
    role            TEXT,                        -- 牵头 | 配合, as the catalog assigns it
    status          TEXT,
    progress        TEXT,
    problems        TEXT,
    next_steps      TEXT,
    cell            TEXT NOT NULL,
    PRIMARY KEY (submission_id, task_code)
);

CREATE TABLE IF NOT EXISTS submission_contact (
    submission_id   TEXT NOT NULL REFERENCES submission (submission_id),
    seq             INTEGER NOT NULL,
    category        TEXT NOT NULL,               -- 类别 as written (a plan's name, usually)
    plan_code       TEXT,
    person          TEXT,
    position        TEXT,
    phone           TEXT,
    note            TEXT,
    cell            TEXT NOT NULL,
    PRIMARY KEY (submission_id, seq)
);

-- One row per indicator of a plan table in a campaign (附件3 / 附件4), rebuilt on every aggregation.
CREATE TABLE IF NOT EXISTS indicator_result (
    campaign_code   TEXT NOT NULL,
    plan_code       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    indicator_code  TEXT NOT NULL,
    to_date_value   DOUBLE PRECISION,            -- 前N年 年均/累计, computed
    full_period_value DOUBLE PRECISION,          -- 五年 年均/累计, computed (with the forecast)
    schedule_share  DOUBLE PRECISION NOT NULL,   -- 序时进度: share of the period elapsed
    schedule_expected DOUBLE PRECISION,          -- figure expected by 序时进度 (decline/cumulative kinds)
    computed_rating TEXT,                        -- NULL when no accepted data
    computed_reason TEXT,
    self_rating     TEXT,
    analysis        TEXT,
    source_units    TEXT,                        -- unit codes whose data were used, comma separated
    source_submissions TEXT,
    conflict        TEXT,                        -- non-NULL when responsible units disagree
    PRIMARY KEY (campaign_code, plan_code, indicator_code)
);

CREATE TABLE IF NOT EXISTS indicator_result_value (
    campaign_code   TEXT NOT NULL,
    indicator_code  TEXT NOT NULL,
    year            INTEGER NOT NULL,
    is_forecast     INTEGER NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    source_cell     TEXT NOT NULL,               -- lineage: submission_id:sheet!A1
    PRIMARY KEY (campaign_code, indicator_code, year)
);

CREATE TABLE IF NOT EXISTS project_result (
    campaign_code   TEXT NOT NULL,
    plan_code       TEXT NOT NULL,
    project_code    TEXT NOT NULL,
    progress        TEXT,
    results         TEXT,
    source_submission TEXT,
    PRIMARY KEY (campaign_code, plan_code, project_code)
);

-- Monitoring (DHIS2-style completeness and timeliness). What each unit owes: unit × form × due date,
-- rebuilt from the catalog's campaign deadlines; and, per monitor run (as_of day), where each stands.
CREATE TABLE IF NOT EXISTS obligation (
    campaign_code   TEXT NOT NULL,
    unit_code       TEXT NOT NULL,
    unit_kind       TEXT NOT NULL,               -- 市级部门 | 区镇街道
    form            TEXT NOT NULL,
    due_date        TEXT NOT NULL,               -- ISO date, Beijing time
    PRIMARY KEY (campaign_code, unit_code, form)
);

CREATE TABLE IF NOT EXISTS obligation_status (
    campaign_code   TEXT NOT NULL,
    as_of           TEXT NOT NULL,               -- ISO date the status was computed for
    unit_code       TEXT NOT NULL,
    unit_kind       TEXT NOT NULL,
    form            TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    status          TEXT NOT NULL,               -- done | late | rejected_only | missing
    overdue         INTEGER NOT NULL,            -- 1 when as_of is past the due date
    uploads         INTEGER NOT NULL,            -- versions received by as_of (duplicates excluded)
    first_accepted_at TEXT,                      -- ISO 8601 UTC
    last_received_at  TEXT,
    last_rejected_id  TEXT,                      -- the latest rejected upload: its errors go in the reminder
    PRIMARY KEY (campaign_code, as_of, unit_code, form)
);

CREATE TABLE IF NOT EXISTS completeness (
    campaign_code   TEXT NOT NULL,
    as_of           TEXT NOT NULL,
    form            TEXT NOT NULL,
    unit_kind       TEXT NOT NULL,               -- 市级部门 | 区镇街道 | 合计
    expected        INTEGER NOT NULL,
    received        INTEGER NOT NULL,            -- accepted (on time or late)
    on_time         INTEGER NOT NULL,
    late            INTEGER NOT NULL,
    rejected_only   INTEGER NOT NULL,
    missing         INTEGER NOT NULL,
    PRIMARY KEY (campaign_code, as_of, form, unit_kind)
);
