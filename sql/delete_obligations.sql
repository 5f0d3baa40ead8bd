DELETE FROM obligation WHERE campaign_code = :campaign_code
