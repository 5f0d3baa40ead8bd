-- the open claim (not yet released) on one inbox entry, if any
SELECT * FROM intake_claim
WHERE unit_code = :unit_code AND name_hex = :name_hex AND size_bytes = :size_bytes AND mtime_ns = :mtime_ns
  AND sha256 = :sha256 AND state <> 'released'
