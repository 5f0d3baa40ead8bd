-- Data-quality figures of a campaign, one row per unit and form it owes (obligation) or has sent: whether its
-- first upload of the form was accepted, how many uploads were rejected, when the first accepted one arrived
-- (against the due date, for days late) and the warnings on the version that counts. Duplicates are not
-- uploads here (same bytes as an earlier one); files receipted 已锁定 never reach this table.
WITH uploads AS (
    SELECT s.unit_code, s.form, s.status, s.received_at, s.warning_count, s.superseded_by,
           ROW_NUMBER() OVER (PARTITION BY s.unit_code, s.form ORDER BY s.received_at, s.submission_id) AS attempt
    FROM submission AS s
    WHERE s.campaign_code = :campaign_code
      AND s.status IN ('accepted', 'rejected')
      AND s.form <> 'unknown'
),
owed AS (
    SELECT o.unit_code, o.form FROM obligation AS o WHERE o.campaign_code = :campaign_code
    UNION
    SELECT u.unit_code, u.form FROM uploads AS u
)
SELECT w.unit_code,
       w.form,
       o.due_date,
       COUNT(u.status) AS uploads,
       MAX(CASE WHEN u.attempt = 1 AND u.status = 'accepted' THEN 1 ELSE 0 END) AS first_pass,
       SUM(CASE WHEN u.status = 'rejected' THEN 1 ELSE 0 END) AS rejections,
       MIN(CASE WHEN u.status = 'accepted' THEN u.received_at END) AS first_accepted_at,
       SUM(CASE WHEN u.status = 'accepted' AND u.superseded_by IS NULL THEN u.warning_count ELSE 0 END) AS warnings
FROM owed AS w
LEFT JOIN obligation AS o
  ON o.campaign_code = :campaign_code AND o.unit_code = w.unit_code AND o.form = w.form
LEFT JOIN uploads AS u
  ON u.unit_code = w.unit_code AND u.form = w.form
GROUP BY w.unit_code, w.form, o.due_date
ORDER BY w.unit_code, w.form
