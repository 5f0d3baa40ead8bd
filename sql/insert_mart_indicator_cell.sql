INSERT INTO mart_indicator_cell (campaign_code, plan_code, seq, indicator_code, column_key, header, printed, value,
                                 lineage)
VALUES (:campaign_code, :plan_code, :seq, :indicator_code, :column_key, :header, :printed, :value, :lineage)
