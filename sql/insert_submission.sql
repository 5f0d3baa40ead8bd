INSERT INTO submission (submission_id, campaign_code, unit_code, form, original_name, archive_path, sha256,
                        size_bytes, uploaded_at, received_at, status, error_count, warning_count, version,
                        superseded_by, duplicate_of)
VALUES (:submission_id, :campaign_code, :unit_code, :form, :original_name, :archive_path, :sha256,
        :size_bytes, :uploaded_at, :received_at, :status, :error_count, :warning_count, :version,
        NULL, :duplicate_of)
