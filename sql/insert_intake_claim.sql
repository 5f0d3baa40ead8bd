INSERT INTO intake_claim (submission_id, unit_code, inbox_path, name_hex, safe_name, entry_kind, sha256, size_bytes,
                          mtime_ns, ctime_ns, archive_path, uploaded_at, received_at, state, pass_id, holder, claimed_at,
                          updated_at)
VALUES (:submission_id, :unit_code, :inbox_path, :name_hex, :safe_name, :entry_kind, :sha256, :size_bytes,
        :mtime_ns, :ctime_ns, :archive_path, :uploaded_at, :received_at, :state, :pass_id, :holder, :claimed_at, :claimed_at)
