-- The version number the next upload of a unit's form gets.
SELECT COALESCE(MAX(version), 0) + 1 AS version
FROM submission
WHERE campaign_code = :campaign_code AND unit_code = :unit_code AND form = :form
