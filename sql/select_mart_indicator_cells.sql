SELECT plan_code, seq, indicator_code, column_key, header, printed, value, lineage
FROM mart_indicator_cell
WHERE campaign_code = :campaign_code
ORDER BY plan_code, seq, column_key
