SELECT plan_code, project_code, progress, results, source_submission
FROM project_result
WHERE campaign_code = :campaign_code
ORDER BY plan_code, project_code
