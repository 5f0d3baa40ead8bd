-- Submissions accepted so far, over every campaign and unit (the province benchmark's count).
SELECT count(*) AS accepted FROM submission WHERE status = 'accepted'
