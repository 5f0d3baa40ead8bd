-- Every obligation of a campaign with the uploads (duplicates excluded) the unit made for that form.
SELECT o.unit_code, o.unit_kind, o.form, o.due_date, s.status, s.received_at, s.submission_id
FROM obligation AS o
LEFT JOIN submission AS s
  ON s.campaign_code = o.campaign_code
 AND s.unit_code = o.unit_code
 AND s.form = o.form
 AND s.status IN ('accepted', 'rejected')
WHERE o.campaign_code = :campaign_code
ORDER BY o.unit_code, o.form, s.received_at
