-- The submission versions a campaign's figures are built from: the latest accepted version of each unit and
-- form, with the SHA-256 of the archived file.
SELECT s.submission_id, s.unit_code, s.form, s.version, s.sha256
FROM submission AS s
WHERE s.campaign_code = :campaign_code
  AND s.status = 'accepted'
  AND s.superseded_by IS NULL
ORDER BY s.unit_code, s.form, s.submission_id
