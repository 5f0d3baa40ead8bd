-- A newly accepted version replaces the unit's earlier accepted versions of the same form.
UPDATE submission
SET superseded_by = :submission_id
WHERE campaign_code = :campaign_code
  AND unit_code = :unit_code
  AND form = :form
  AND status = 'accepted'
  AND superseded_by IS NULL
  AND submission_id <> :submission_id
