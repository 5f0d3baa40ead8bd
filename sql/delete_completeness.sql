DELETE FROM completeness WHERE campaign_code = :campaign_code AND as_of = :as_of
