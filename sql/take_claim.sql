-- compare-and-swap: the claim passes to the new pass only if nobody took it since it was read
UPDATE intake_claim
SET pass_id = :pass_id, holder = :holder, claimed_at = :now, updated_at = :now
WHERE submission_id = :submission_id AND pass_id = :seen_pass_id AND claimed_at = :seen_claimed_at
  AND state = :state
