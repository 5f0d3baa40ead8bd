INSERT INTO completeness (campaign_code, as_of, form, unit_kind, expected, received, on_time, late, rejected_only,
                          missing)
VALUES (:campaign_code, :as_of, :form, :unit_kind, :expected, :received, :on_time, :late, :rejected_only, :missing)
