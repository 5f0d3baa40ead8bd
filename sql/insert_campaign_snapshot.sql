INSERT INTO campaign_snapshot (lock_id, item_kind, item_key, unit_code, form, version, sha256)
VALUES (:lock_id, :item_kind, :item_key, :unit_code, :form, :version, :sha256)
