-- the claim on one inbox entry, in any state (the same file is never taken twice)
SELECT * FROM intake_claim
WHERE unit_code = :unit_code AND name_hex = :name_hex AND size_bytes = :size_bytes AND mtime_ns = :mtime_ns
  AND ctime_ns = :ctime_ns AND sha256 = :sha256
