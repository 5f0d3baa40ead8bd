UPDATE intake_claim SET state = :state, updated_at = :now
WHERE submission_id = :submission_id AND pass_id = :pass_id
