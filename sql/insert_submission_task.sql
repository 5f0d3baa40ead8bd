INSERT INTO submission_task (submission_id, task_code, role, status, progress, problems, next_steps, cell)
VALUES (:submission_id, :task_code, :role, :status, :progress, :problems, :next_steps, :cell)
