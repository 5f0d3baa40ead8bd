INSERT INTO obligation_status (campaign_code, as_of, unit_code, unit_kind, form, due_date, status, overdue, uploads,
                               first_accepted_at, last_received_at, last_rejected_id)
VALUES (:campaign_code, :as_of, :unit_code, :unit_kind, :form, :due_date, :status, :overdue, :uploads,
        :first_accepted_at, :last_received_at, :last_rejected_id)
