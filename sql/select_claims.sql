SELECT * FROM intake_claim WHERE submission_id IN :submission_ids
