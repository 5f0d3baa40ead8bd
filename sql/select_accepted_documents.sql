-- Word documents a unit had accepted earlier in the campaign: an analysis may arrive before its table.
SELECT unit_code, archive_path
FROM submission
WHERE campaign_code = :campaign_code
  AND unit_code IN :unit_ids
  AND form = 'summary_report'
  AND status = 'accepted'
ORDER BY received_at
