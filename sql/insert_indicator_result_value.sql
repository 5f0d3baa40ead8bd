INSERT INTO indicator_result_value (campaign_code, indicator_code, year, is_forecast, value, source_cell, origin,
                                    derivation)
VALUES (:campaign_code, :indicator_code, :year, :is_forecast, :value, :source_cell, :origin, :derivation)
