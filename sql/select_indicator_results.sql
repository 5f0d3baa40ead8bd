SELECT campaign_code, plan_code, seq, indicator_code, to_date_value, full_period_value, schedule_share,
       schedule_expected, computed_rating, computed_reason, self_rating, analysis, source_units,
       source_submissions, conflict, trend_forecast, forecast_meets_target, trend_meets_target
FROM indicator_result
WHERE campaign_code = :campaign_code
ORDER BY plan_code, seq
