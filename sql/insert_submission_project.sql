INSERT INTO submission_project (submission_id, project_code, progress, results, cell)
VALUES (:submission_id, :project_code, :progress, :results, :cell)
