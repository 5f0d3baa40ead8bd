-- Issue 18 (C): severity per rule. A value that trips a 警告 is accepted only with the unit's 上报说明, kept with
-- the value it explains (NULL for a value that needed none). submission_issue.severity now also holds notice
-- (提示) beside error (错误) and warning (警告).
ALTER TABLE submission_value ADD COLUMN explanation TEXT;
