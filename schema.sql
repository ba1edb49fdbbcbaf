-- Tapscore's D1 schema: the only place tables are defined.
-- Applied by `npm start` (and `npm run db:migrate:local`) and by the test setup. Every statement is
-- idempotent (IF NOT EXISTS), so re-applying it never drops or changes data.
-- Times are Unix epoch milliseconds (INTEGER); structured settings are JSON text.

-- API keys for developers. The secret is shown once at creation and only its SHA-256 is kept.
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,                 -- public part of the key, e.g. "k_3f9a1c2e7b4d"
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,                -- JSON array of scope names
  secret_hash TEXT NOT NULL,           -- hex SHA-256 of the whole key string
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER                   -- set on DELETE; a revoked key never authenticates again
);

-- One survey asks one one-tap question on one scale. Archived instead of deleted, so history stays.
CREATE TABLE IF NOT EXISTS surveys (
  id TEXT PRIMARY KEY,                 -- URL slug chosen by the caller
  name TEXT NOT NULL,
  metric TEXT NOT NULL CHECK (metric IN ('csat', 'nps', 'ces', 'rating', 'intent')),
  scale_min INTEGER NOT NULL,
  scale_max INTEGER NOT NULL,
  satisfied_min INTEGER NOT NULL,      -- lowest score that counts as satisfied / promoter / low effort
  headline TEXT NOT NULL CHECK (headline IN ('percent', 'mean')),
  locale TEXT NOT NULL,                -- default language of the question and respondent pages
  timezone TEXT NOT NULL,              -- IANA name; days in rollups are this zone's local days
  touchpoint TEXT,
  attribute TEXT,                      -- what a `rating` survey rates, e.g. "delivery speed"
  public INTEGER NOT NULL DEFAULT 0,   -- 1 = has a public report page
  min_public_n INTEGER NOT NULL,       -- public pages suppress cells with fewer answers
  settings TEXT NOT NULL,              -- JSON: question, follow_up, segments, target, benchmark
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  archived_at INTEGER
);
