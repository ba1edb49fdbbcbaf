-- Migration 0005: the day an answer counts, and the response rate by invitation cohort
-- (docs/rollups-and-metrics.md, docs/counting-rule.md).

-- 1 for an invitation made by server-side ingestion or an import for an answer that came without one:
-- such an answer counts as an answer, never as an invitation of the response rate.
ALTER TABLE invitations ADD COLUMN ingested INTEGER NOT NULL DEFAULT 0;
UPDATE invitations SET ingested = 1 WHERE id IN (SELECT invitation_id FROM events WHERE kind = 'ingest');

-- Of the day's invitations (ingested ones left out), those with a counted answer, whenever it came.
ALTER TABLE rollup_days ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;

-- An answer that moves to another day (a person's tap after a scanner's click) leaves its old day to
-- be recounted; its new day is recounted as every changed response's is.
CREATE TRIGGER responses_day_moved AFTER UPDATE OF created_at ON responses
WHEN OLD.created_at <> NEW.created_at
BEGIN
  INSERT INTO rollup_touches (survey_id, at) VALUES (OLD.survey_id, OLD.created_at);
END;

-- Every stored day counted ingested invitations and no answered ones: the next ticks recount them all.
UPDATE rollup_watermarks SET responses_seq = 0, invitations_seq = 0;
