-- The items a lock froze, in key order.
SELECT item_kind, item_key, unit_code, form, version, sha256
FROM campaign_snapshot
WHERE lock_id = :lock_id
ORDER BY item_kind, item_key
