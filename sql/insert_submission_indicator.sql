INSERT INTO submission_indicator (submission_id, plan_code, indicator_code, sheet, row_number, to_date_reported,
                                  full_period_reported, self_rating, analysis)
VALUES (:submission_id, :plan_code, :indicator_code, :sheet, :row_number, :to_date_reported,
        :full_period_reported, :self_rating, :analysis)
