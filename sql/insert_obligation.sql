INSERT INTO obligation (campaign_code, unit_code, unit_kind, form, due_date)
VALUES (:campaign_code, :unit_code, :unit_kind, :form, :due_date)
