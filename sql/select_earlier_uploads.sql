-- Earlier original (non-duplicate) uploads of these units in a campaign, by content: byte-identical
-- re-uploads are recognised by their SHA-256 and not validated or loaded again.
SELECT unit_code, sha256, submission_id, form, version, status, received_at
FROM submission
WHERE campaign_code = :campaign_code
  AND unit_code IN :unit_ids
  AND duplicate_of IS NULL
