SELECT measure_code, year, is_forecast, value, origin, source_units, lineage, conflict
FROM measure_value
WHERE campaign_code = :campaign_code
ORDER BY measure_code, year, is_forecast
