-- Staged rows and values of the given (latest accepted) submissions.
SELECT i.submission_id, i.plan_code, i.indicator_code, i.sheet, i.row_number, i.self_rating, i.analysis,
       v.year, v.is_forecast, v.value, v.cell
FROM submission_indicator AS i
LEFT JOIN submission_value AS v
       ON v.submission_id = i.submission_id AND v.plan_code = i.plan_code AND v.indicator_code = i.indicator_code
WHERE i.submission_id IN :submission_ids
ORDER BY i.submission_id, i.plan_code, i.indicator_code, v.year
