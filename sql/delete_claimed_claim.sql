-- a claim whose file changed or vanished before its archive copy was complete: as if never taken
DELETE FROM intake_claim WHERE submission_id = :submission_id AND pass_id = :pass_id AND state = 'claimed'
