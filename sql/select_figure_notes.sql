-- The notes aggregation recorded on a campaign's indicators: figures taken from a unit other than the lead,
-- units' figures that differ from the one used, reported cells that differ from the raw figures.
SELECT plan_code, seq, indicator_code, source_units, conflict
FROM indicator_result
WHERE campaign_code = :campaign_code
  AND conflict IS NOT NULL
ORDER BY plan_code, seq
