DELETE FROM mart_indicator_cell WHERE campaign_code = :campaign_code
