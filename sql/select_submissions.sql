SELECT submission_id, unit_code, form, original_name, uploaded_at, received_at, status, error_count, warning_count
FROM submission
WHERE campaign_code = :campaign_code
ORDER BY unit_code, uploaded_at, submission_id
