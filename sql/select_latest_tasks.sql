-- Work-point progress from every unit's latest accepted task table.
SELECT t.task_code, s.unit_code, t.role, t.status, t.progress, t.problems, t.next_steps, t.cell, s.submission_id
FROM submission AS s
JOIN submission_task AS t ON t.submission_id = s.submission_id
WHERE s.campaign_code = :campaign_code
  AND s.form = 'task_table'
  AND s.status = 'accepted'
  AND s.superseded_by IS NULL
ORDER BY t.task_code, s.unit_code
