-- submissions already recorded, by id: what a re-run of a pass reports instead of inserting them again
SELECT s.submission_id, s.campaign_code, s.unit_code, s.form, s.original_name, s.version, s.status,
       s.error_count, s.warning_count, c.pass_id
FROM submission s LEFT JOIN intake_claim c ON c.submission_id = s.submission_id
WHERE s.submission_id IN :submission_ids
ORDER BY s.received_at, s.submission_id
