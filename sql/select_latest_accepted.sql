-- The latest accepted submission of each unit for one form of a campaign: the version that counts.
-- Versions are ordered by upload time (the file's time in the inbox), then by submission id.
SELECT s.submission_id, s.unit_code, s.uploaded_at
FROM submission AS s
WHERE s.campaign_code = :campaign_code
  AND s.form = :form
  AND s.status = 'accepted'
  AND NOT EXISTS (
      SELECT 1 FROM submission AS newer
      WHERE newer.campaign_code = s.campaign_code
        AND newer.unit_code = s.unit_code
        AND newer.form = s.form
        AND newer.status = 'accepted'
        AND (newer.uploaded_at > s.uploaded_at
             OR (newer.uploaded_at = s.uploaded_at AND newer.submission_id > s.submission_id))
  )
ORDER BY s.unit_code
