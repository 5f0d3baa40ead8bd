DELETE FROM measure_value WHERE campaign_code = :campaign_code
