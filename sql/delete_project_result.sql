DELETE FROM project_result WHERE campaign_code = :campaign_code
