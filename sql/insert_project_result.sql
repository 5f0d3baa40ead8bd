INSERT INTO project_result (campaign_code, plan_code, project_code, progress, results, source_submission)
VALUES (:campaign_code, :plan_code, :project_code, :progress, :results, :source_submission)
