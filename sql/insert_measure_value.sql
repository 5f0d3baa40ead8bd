INSERT INTO measure_value (campaign_code, measure_code, year, is_forecast, value, origin, source_units, lineage,
                           conflict)
VALUES (:campaign_code, :measure_code, :year, :is_forecast, :value, :origin, :source_units, :lineage, :conflict)
