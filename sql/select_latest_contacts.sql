-- 附件7: the contacts of every unit from its latest accepted contacts form.
SELECT s.unit_code, c.category, c.person, c.position, c.phone, c.note, s.received_at, s.submission_id
FROM submission AS s
JOIN submission_contact AS c ON c.submission_id = s.submission_id
WHERE s.campaign_code = :campaign_code
  AND s.form = 'contacts'
  AND s.status = 'accepted'
  AND s.superseded_by IS NULL
ORDER BY s.unit_code, c.seq
