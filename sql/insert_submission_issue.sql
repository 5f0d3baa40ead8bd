INSERT INTO submission_issue (submission_id, seq, severity, code, message, sheet, row_number, column_letter)
VALUES (:submission_id, :seq, :severity, :code, :message, :sheet, :row_number, :column_letter)
