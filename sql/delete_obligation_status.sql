DELETE FROM obligation_status WHERE campaign_code = :campaign_code AND as_of = :as_of
