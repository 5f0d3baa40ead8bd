-- The errors of a unit's latest rejected upload of a form: quoted in its reminder.
SELECT i.message, i.sheet, i.row_number, i.column_letter
FROM submission_issue AS i
WHERE i.submission_id = :submission_id AND i.severity = 'error'
ORDER BY i.seq
