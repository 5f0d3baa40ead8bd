-- The audit trail of one unit: every upload, in the order the unit made them (file time), then version.
SELECT campaign_code, form, version, original_name, sha256, uploaded_at, received_at, status, error_count,
       warning_count, superseded_by, duplicate_of, submission_id, archive_path
FROM submission
WHERE unit_code = :unit_code
ORDER BY campaign_code, uploaded_at, version, submission_id
