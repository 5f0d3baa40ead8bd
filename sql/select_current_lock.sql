-- The lock in force for a campaign (an approval not yet ended by a reopening), if any.
SELECT l.lock_id, l.campaign_code, l.approved_by, l.approval_comment, l.approved_at, l.snapshot_sha256, l.item_count
FROM campaign_lock AS l
LEFT JOIN campaign_reopening AS r ON r.lock_id = l.lock_id
WHERE l.campaign_code = :campaign_code
  AND r.lock_id IS NULL
ORDER BY l.approved_at DESC, l.lock_id DESC
