SELECT f.submission_id, s.unit_code, f.measure_code, f.year, f.is_forecast, f.value, f.cell
FROM submission_figure f
JOIN submission s ON s.submission_id = f.submission_id
WHERE f.submission_id IN :submission_ids
ORDER BY f.measure_code, f.year, f.is_forecast, s.unit_code
