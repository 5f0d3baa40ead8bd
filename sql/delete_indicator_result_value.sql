DELETE FROM indicator_result_value WHERE campaign_code = :campaign_code
