INSERT INTO submission_contact (submission_id, seq, category, plan_code, person, position, phone, note, cell)
VALUES (:submission_id, :seq, :category, :plan_code, :person, :position, :phone, :note, :cell)
