-- How many locks a campaign has had (in force or ended): the next lock is numbered one higher.
SELECT COUNT(*) AS locks FROM campaign_lock WHERE campaign_code = :campaign_code
