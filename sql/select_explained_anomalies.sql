-- The office's list of explained anomalies: the values of each unit's currently accepted indicator table that
-- tripped a 警告 and were accepted with the unit's 上报说明, each with the warning the receipt gave at its cell.
SELECT s.unit_code, s.version, v.plan_code, v.indicator_code, v.year, v.is_forecast, v.value, v.cell,
       v.explanation, i.code AS rule_code, i.message AS warning
FROM submission AS s
JOIN submission_value AS v ON v.submission_id = s.submission_id
LEFT JOIN submission_issue AS i
       ON i.submission_id = s.submission_id
      AND i.severity = 'warning'
      AND i.sheet || '!' || i.column_letter || CAST(i.row_number AS TEXT) = v.cell
WHERE s.campaign_code = :campaign_code
  AND s.form = 'indicator_table'
  AND s.status = 'accepted'
  AND s.superseded_by IS NULL
  AND v.explanation IS NOT NULL
ORDER BY v.plan_code, v.indicator_code, s.unit_code, v.year, v.is_forecast, i.seq
