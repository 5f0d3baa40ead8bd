DELETE FROM indicator_result WHERE campaign_code = :campaign_code
