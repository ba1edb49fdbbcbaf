-- Migration 0004: the Delighted-compatible API (functions/delighted/, docs/coming-from-delighted.md).

-- A Delighted-style key (tsd_…) is bound to one survey, as a Delighted key was to one project: every
-- call made with it reads and writes that survey. NULL for Tapscore's own keys (tsk_…).
ALTER TABLE api_keys ADD COLUMN delighted_survey TEXT REFERENCES surveys (id);

-- Webhooks gain Delighted's body shape as a format. SQLite cannot change a CHECK in place: the table is
-- rebuilt with the same columns and rows (nothing references it by foreign key).
CREATE TABLE webhooks_0004 (
  id TEXT PRIMARY KEY,                  -- "wh_" + random hex
  url TEXT NOT NULL,                    -- https; http only to localhost / 127.0.0.1 for local development
  events TEXT NOT NULL,                 -- JSON array: response.created | response.updated | response.low_score | metric.drop | unsubscribe.created
  survey_id TEXT,                       -- only this survey's events; NULL = every survey
  format TEXT NOT NULL CHECK (format IN ('standard', 'slack', 'delighted')),
  secret TEXT NOT NULL,                 -- "whsec_" + base64 key (Standard Webhooks)
  created_at INTEGER NOT NULL
);
INSERT INTO webhooks_0004 (id, url, events, survey_id, format, secret, created_at)
SELECT id, url, events, survey_id, format, secret, created_at FROM webhooks;
DROP TABLE webhooks;
ALTER TABLE webhooks_0004 RENAME TO webhooks;
