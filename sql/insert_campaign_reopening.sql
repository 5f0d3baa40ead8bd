INSERT INTO campaign_reopening (lock_id, campaign_code, reopened_by, reopened_at, reason)
VALUES (:lock_id, :campaign_code, :reopened_by, :reopened_at, :reason)
