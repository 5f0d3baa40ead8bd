INSERT INTO submission_value (submission_id, plan_code, indicator_code, year, is_forecast, value, cell, explanation)
VALUES (:submission_id, :plan_code, :indicator_code, :year, :is_forecast, :value, :cell, :explanation)
