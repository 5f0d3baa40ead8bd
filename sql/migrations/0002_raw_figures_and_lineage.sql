-- Issue 5: raw figures (基础数据) from which indicators are computed, town sums, trend forecasts, and a
-- mart of the printed 附件3/附件4 cells with their lineage. Layers (docs/warehouse.md):
--   staging  submission_* : what each submission version holds, cell by cell
--   core     measure_value, indicator_result_value, indicator_result, project_result : the city's figures
--   marts    mart_indicator_cell, obligation_status, completeness : what is printed and monitored

-- staging: one raw figure as typed in a 基础数据表 (a department's sheet or a town's form)
CREATE TABLE IF NOT EXISTS submission_figure (
    submission_id   TEXT NOT NULL REFERENCES submission (submission_id),
    measure_code    TEXT NOT NULL,
    year            INTEGER NOT NULL,
    is_forecast     INTEGER NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    cell            TEXT NOT NULL,               -- sheet!A1
    PRIMARY KEY (submission_id, measure_code, year, is_forecast)
);

-- core: the city's raw figure per measure and year: a department's own figure, else the sum of the towns'
CREATE TABLE IF NOT EXISTS measure_value (
    campaign_code   TEXT NOT NULL,
    measure_code    TEXT NOT NULL,
    year            INTEGER NOT NULL,
    is_forecast     INTEGER NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    origin          TEXT NOT NULL,               -- reported | town_sum
    source_units    TEXT NOT NULL,               -- unit codes, comma separated
    lineage         TEXT NOT NULL,               -- submission_id:sheet!A1, semicolon separated
    conflict        TEXT,                        -- the departments' figure and the towns' sum differ
    PRIMARY KEY (campaign_code, measure_code, year, is_forecast)
);

-- core: how each yearly indicator figure came about
ALTER TABLE indicator_result_value ADD COLUMN origin TEXT NOT NULL DEFAULT 'reported';  -- reported | derived
ALTER TABLE indicator_result_value ADD COLUMN derivation TEXT;   -- the arithmetic, for derived figures

ALTER TABLE indicator_result ADD COLUMN trend_forecast DOUBLE PRECISION;  -- end-year cell by linear trend
ALTER TABLE indicator_result ADD COLUMN forecast_meets_target INTEGER;    -- the units' own forecast
ALTER TABLE indicator_result ADD COLUMN trend_meets_target INTEGER;

-- mart: every printed cell of the filled 附件3/附件4, with the submission cells it came from
CREATE TABLE IF NOT EXISTS mart_indicator_cell (
    campaign_code   TEXT NOT NULL,
    plan_code       TEXT NOT NULL,
    seq             INTEGER NOT NULL,            -- row number in the printed table
    indicator_code  TEXT NOT NULL,
    column_key      TEXT NOT NULL,               -- y2021 … forecast, to_date, full_period, rating
    header          TEXT NOT NULL,               -- as printed: 2021年, 前四年年均/累计 …
    printed         TEXT NOT NULL,               -- the cell's text in the table
    value           DOUBLE PRECISION,
    lineage         TEXT NOT NULL,               -- submission_id:sheet!A1; …, or the derivation's inputs
    PRIMARY KEY (campaign_code, plan_code, indicator_code, column_key)
);
