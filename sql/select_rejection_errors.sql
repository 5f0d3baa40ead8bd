-- The errors of the given rejected uploads, for the units' feedback letters.
SELECT i.submission_id, i.message, i.sheet, i.row_number, i.column_letter
FROM submission_issue AS i
WHERE i.submission_id IN :submission_ids AND i.severity = 'error'
ORDER BY i.submission_id, i.seq
