-- The statuses a monitor run stored for one day.
SELECT unit_code, unit_kind, form, due_date, status, overdue, uploads, first_accepted_at, last_received_at,
       last_rejected_id
FROM obligation_status
WHERE campaign_code = :campaign_code AND as_of = :as_of
ORDER BY unit_code, form
