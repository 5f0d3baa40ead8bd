SELECT indicator_code, year, is_forecast, value, source_cell, origin, derivation
FROM indicator_result_value
WHERE campaign_code = :campaign_code
ORDER BY indicator_code, year
