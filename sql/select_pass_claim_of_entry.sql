-- the claim a pass (an Airflow run) already holds on an inbox entry it saw at discovery: a cleared and re-run
-- task finds its own earlier work here, whatever became of the inbox copy since
SELECT * FROM intake_claim
WHERE pass_id = :pass_id AND unit_code = :unit_code AND inbox_path = :inbox_path AND size_bytes = :size_bytes
  AND mtime_ns = :mtime_ns
ORDER BY claimed_at DESC
