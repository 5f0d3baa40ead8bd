-- The figures of each unit's currently accepted indicator table (not superseded), to flag changed values.
SELECT s.unit_code, v.indicator_code, v.year, v.value, s.version
FROM submission AS s
JOIN submission_value AS v ON v.submission_id = s.submission_id
WHERE s.campaign_code = :campaign_code
  AND s.unit_code IN :unit_ids
  AND s.form = 'indicator_table'
  AND s.status = 'accepted'
  AND s.superseded_by IS NULL
