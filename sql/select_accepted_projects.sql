SELECT p.submission_id, p.project_code, p.progress, p.results, s.unit_code
FROM submission_project AS p
JOIN submission AS s ON s.submission_id = p.submission_id
WHERE p.submission_id IN :submission_ids
ORDER BY p.project_code, s.unit_code
