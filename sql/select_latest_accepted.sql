-- The latest accepted submission of each unit for one form of a campaign: the version that counts.
-- An accepted version is superseded when a newer upload of the same form is accepted.
SELECT s.submission_id, s.unit_code, s.version, s.uploaded_at
FROM submission AS s
WHERE s.campaign_code = :campaign_code
  AND s.form = :form
  AND s.status = 'accepted'
  AND s.superseded_by IS NULL
ORDER BY s.unit_code
