INSERT INTO campaign_lock (lock_id, campaign_code, approved_by, approval_comment, approved_at, snapshot_sha256, item_count)
VALUES (:lock_id, :campaign_code, :approved_by, :approval_comment, :approved_at, :snapshot_sha256, :item_count)
