-- Every lock of a campaign with its reopening, if any, oldest first.
SELECT l.lock_id, l.approved_by, l.approval_comment, l.approved_at, l.snapshot_sha256, l.item_count,
       r.reopened_by, r.reopened_at, r.reason
FROM campaign_lock AS l
LEFT JOIN campaign_reopening AS r ON r.lock_id = l.lock_id
WHERE l.campaign_code = :campaign_code
ORDER BY l.approved_at, l.lock_id
