SELECT submission_id, severity, code, message, sheet, row_number, column_letter
FROM submission_issue
WHERE submission_id IN :submission_ids
ORDER BY submission_id, seq
