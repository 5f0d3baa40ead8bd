-- claims a pass left half done (archived, not recorded), oldest first: candidates to finish
SELECT * FROM intake_claim WHERE state = :state ORDER BY claimed_at, submission_id
