INSERT INTO submission_figure (submission_id, measure_code, year, is_forecast, value, cell)
VALUES (:submission_id, :measure_code, :year, :is_forecast, :value, :cell)
