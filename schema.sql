-- Tapscore's D1 schema as it is now: the result of applying every file in migrations/ in order.
-- Databases are built and upgraded by those migrations (`npm run db:migrate:local|remote`, `npm start`,
-- the test setup), never by this file; it is the readable reference, and test/migrations/ proves that
-- the migrations produce exactly these tables, columns and indexes. A schema change is a new numbered
-- migration plus the same change here.
-- IF NOT EXISTS stays so tools that build a scratch database from this file alone (browser tests,
-- bench, `npm run import`) can run it on a database that already has the tables.
-- Times are Unix epoch milliseconds (INTEGER); structured settings are JSON text.

-- API keys for developers. The secret is shown once at creation and only its SHA-256 is kept.
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,                 -- public part of the key, e.g. "k_3f9a1c2e7b4d"
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,                -- JSON array of scope names
  secret_hash TEXT NOT NULL,           -- hex SHA-256 of the whole key string
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER,                  -- set on DELETE; a revoked key never authenticates again
  delighted_survey TEXT REFERENCES surveys (id) -- a Delighted-style key (tsd_…) and the survey it speaks for; NULL for tsk_ keys (0004)
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
  archived_at INTEGER,
  retain_days INTEGER CHECK (retain_days > 0) -- comments and raw events older than this are cleared; NULL = kept (0002)
);

-- One invitation = one recipient asked one survey once; its signed token is in every link of the email.
CREATE TABLE IF NOT EXISTS invitations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, -- change order, for the rollup watermark
  id TEXT NOT NULL UNIQUE,              -- random id carried inside the link token
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  recipient TEXT NOT NULL,              -- the caller's id for the person, e.g. "cust-42"
  email TEXT,
  locale TEXT,                          -- language for this person's pages and snippet
  properties TEXT NOT NULL DEFAULT '{}',-- JSON segment values: touchpoint, channel, country, variant, custom keys
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  -- 1: made by ingestion or an import for an answer that came without an invitation; an answer, never
  -- an invitation of the response rate (docs/rollups-and-metrics.md)
  ingested INTEGER NOT NULL DEFAULT 0,
  -- invitation: made by the API, the sender or an import (a per-recipient signed link);
  -- template: made by the first tap on the survey's template link (/t/…)
  source TEXT NOT NULL DEFAULT 'invitation' CHECK (source IN ('invitation', 'template'))
);
-- The survey-fatigue throttle looks up a recipient's recent invitations to one survey.
CREATE INDEX IF NOT EXISTS invitations_by_recipient ON invitations (survey_id, recipient, created_at);
-- A template link's taps find their invitation by (survey, recipient id), one per person however many taps race.
CREATE UNIQUE INDEX IF NOT EXISTS invitations_by_template_recipient ON invitations (survey_id, recipient) WHERE source = 'template';

-- One row per invitation that has had a request: its raw events and the counting rule's decision made
-- from them (migration 0008). Every request to /r/… is kept as an event: what came, which score, and
-- what it looked like; the rule (functions/counting/counting-rule.ts) reads them to decide what counts,
-- so a better rule can re-decide history. An event and the decision made from the events before it
-- are written together in one statement guarded by `version`, so concurrent requests never lose one
-- another's event and a decision always saw every event stored with it. A counted tap writes this row
-- and its two partial index entries: 3 rows, where a table of events and one of responses wrote 8.
CREATE TABLE IF NOT EXISTS answers (
  invitation_id TEXT PRIMARY KEY REFERENCES invitations (id),
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  -- JSON array, oldest first, of { kind, score, at, client, asn, country, signals, message? }:
  --   kind    view | tap | head | choose | comment | signal | override | ingest | honeypot
  --   client  user-agent class: browser | headless | bot | tool | empty | admin
  --   asn, country  request.cf's, when present; signals: browser evidence (sec-fetch, prefetch, nonce…)
  --   message the TAPS queue message that wrote it, so a redelivery writes nothing twice
  events TEXT NOT NULL,
  version INTEGER NOT NULL,             -- +1 on every write: the guard of the next one
  stale INTEGER NOT NULL DEFAULT 0,     -- 1: an event was kept without its decision (contention); the cron re-decides
  -- The decision, NULL while no event asked for one (a view, a HEAD): the person's latest choice.
  score INTEGER,
  comment TEXT,
  status TEXT CHECK (status IN ('counted', 'suspected', 'excluded')),
  reason TEXT,                          -- why the rule (or an admin) decided this status
  override TEXT CHECK (override IN ('counted', 'excluded')), -- an admin's decision, which wins over the rule
  created_at INTEGER,                   -- the answer's time: the person's first counted choice (a scanner's click only while
                                        -- nothing else is known), the ingested answer's own time; its local day is the rollups'
  updated_at INTEGER NOT NULL,
  event_seq INTEGER                     -- the change order of decisions, for the rollup watermark: 1 + the highest yet
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS answers_by_survey ON answers (survey_id, created_at DESC, invitation_id DESC) WHERE status IS NOT NULL;
CREATE INDEX IF NOT EXISTS answers_by_change ON answers (event_seq) WHERE status IS NOT NULL;
-- The cron finds the few answers whose events outran their decision.
CREATE INDEX IF NOT EXISTS answers_stale ON answers (invitation_id) WHERE stale = 1;

-- At most one response per invitation: the decided answers, under the id "rsp_" + invitation id.
CREATE VIEW IF NOT EXISTS responses AS
  SELECT 'rsp_' || invitation_id AS id, invitation_id, survey_id, score, comment, status, reason, override, created_at, updated_at, event_seq
  FROM answers WHERE status IS NOT NULL;

-- Every event, one row each; seq is its place in its invitation's history (1 = first).
CREATE VIEW IF NOT EXISTS events AS
  SELECT a.invitation_id, e.key + 1 AS seq, json_extract(e.value, '$.kind') AS kind, json_extract(e.value, '$.score') AS score,
         json_extract(e.value, '$.at') AS at, json_extract(e.value, '$.client') AS client, json_extract(e.value, '$.asn') AS asn,
         json_extract(e.value, '$.country') AS country, json_extract(e.value, '$.signals') AS signals,
         json_extract(e.value, '$.message') AS message_id
  FROM answers a, json_each(a.events) e;

-- ── Rollups (functions/rollups/) ────────────────────────────────────────────────────────────────
-- Additive histograms per survey × local day × dimension value; the metrics API and the report site
-- read only these. The counts of all scores of a row sit in one JSON array rather than one row per
-- score: a bucket with 40 segment values on an 11-point NPS scale is 40 rows instead of up to 440,
-- so a recompute writes, and a 90-day query reads, an order of magnitude fewer rows (D1 bills and
-- limits by rows). Counts are only ever added up in the Worker, never in SQL, so nothing is lost.
CREATE TABLE IF NOT EXISTS rollup_days (
  survey_id TEXT NOT NULL,
  day TEXT NOT NULL,                    -- local day YYYY-MM-DD in the survey's time zone (DST-correct)
  dimension TEXT NOT NULL,              -- 'all', touchpoint, locale, country, channel, variant, or a custom segment key
  value TEXT NOT NULL,                  -- the dimension's value; '' for 'all' and where the property was not set
  counts TEXT NOT NULL,                 -- JSON array: counts[i] = counted responses scoring scale_min + i, first chosen this day
  invitations INTEGER NOT NULL,         -- invitations created this day, ingested ones left out
  comments INTEGER NOT NULL,            -- counted responses with a comment
  excluded INTEGER NOT NULL,            -- responses suspected (scanner clicks) or excluded by an admin: never in counts
  answered INTEGER NOT NULL DEFAULT 0,  -- of this day's invitations, those with a counted answer, whenever it came
  PRIMARY KEY (survey_id, day, dimension, value)
) WITHOUT ROWID;
-- The metrics API reads one dimension of one survey over a range of days.
CREATE INDEX IF NOT EXISTS rollup_days_by_dimension ON rollup_days (survey_id, dimension, day);
-- Recomputing a bucket reads that survey-day's invitations (responses use answers_by_survey).
CREATE INDEX IF NOT EXISTS invitations_by_survey_time ON invitations (survey_id, created_at);

-- How far the rollup has read each change stream: a single row (id = 1), written in the same
-- db.batch as the rollup rows it covers, so rows and watermark never disagree.
CREATE TABLE IF NOT EXISTS rollup_watermarks (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  responses_seq INTEGER NOT NULL,       -- highest responses.event_seq rolled up (new taps, comments, overrides)
  invitations_seq INTEGER NOT NULL,     -- highest invitations.seq rolled up
  updated_at INTEGER NOT NULL
);

-- Buckets to recompute that no sequence reveals: deleted rows leave no event_seq behind. Whoever
-- deletes responses or invitations (erasure) inserts one touch per deleted row in the same batch as
-- the DELETE; the next tick recomputes those survey-days and removes the touches it consumed in the
-- batch that writes the corrected rows.
CREATE TABLE IF NOT EXISTS rollup_touches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  survey_id TEXT NOT NULL,
  at INTEGER NOT NULL                   -- created_at of the deleted row; the rollup maps it to the survey's local day
);

-- An answer that moves to another day (a person's tap after a scanner's click) leaves its old day to
-- be recounted; its new day is recounted as every changed response's is.
CREATE TRIGGER IF NOT EXISTS answers_day_moved AFTER UPDATE OF created_at ON answers
WHEN OLD.created_at IS NOT NULL AND OLD.created_at <> NEW.created_at
BEGIN
  INSERT INTO rollup_touches (survey_id, at) VALUES (OLD.survey_id, OLD.created_at);
END;

-- Notes on a survey's timeline ("new webshop software released"), drawn on every trend.
CREATE TABLE IF NOT EXISTS annotations (
  id TEXT PRIMARY KEY,
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  at INTEGER NOT NULL,                  -- the moment annotated
  label TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS annotations_by_survey ON annotations (survey_id, at);

-- Answers to server-side ingestion (POST /api/v1/surveys/{id}/responses) by Idempotency-Key, written in
-- the same db.batch as the invitation, event and response they created: a retried request gets the
-- stored answer and causes nothing twice; the same key with another body is refused (409).
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope TEXT NOT NULL,                  -- what the key is unique within: "responses:" + survey id
  key TEXT NOT NULL,                    -- the client's Idempotency-Key (imports use "import:<source>:<row id>")
  request_hash TEXT NOT NULL,           -- hex SHA-256 of the validated request, to tell a retry from a reuse
  invitation_id TEXT NOT NULL,          -- the invitation created, so erasure can remove this row with it
  response TEXT NOT NULL,               -- JSON of the response as first answered
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_keys_by_invitation ON idempotency_keys (invitation_id);

-- ── Webhooks (functions/webhooks/) ──────────────────────────────────────────────────────────────
-- Endpoints that receive events. Unlike an API key, the signing secret is stored as it is: it is the
-- HMAC key every delivery is signed with, so we must be able to use it, not merely recognize it (a
-- hash could not sign anything). The API shows it once, at creation, and never returns it again.
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY,                  -- "wh_" + random hex
  url TEXT NOT NULL,                    -- https; http only to localhost / 127.0.0.1 for local development
  events TEXT NOT NULL,                 -- JSON array: response.created | response.updated | response.low_score | metric.drop | unsubscribe.created
  survey_id TEXT,                       -- only this survey's events; NULL = every survey
  format TEXT NOT NULL CHECK (format IN ('standard', 'slack', 'delighted')), -- 'delighted' since 0004
  secret TEXT NOT NULL,                 -- "whsec_" + base64 key (Standard Webhooks)
  created_at INTEGER NOT NULL
);

-- One message to one endpoint, with its attempts: the delivery log. The exact body is kept so every
-- retry sends (and signs) the same bytes. Bodies name the respondent and quote the comment, so erasure
-- deletes them by invitation_id and finished deliveries are pruned after 30 days.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id TEXT PRIMARY KEY,                  -- "msg_" + random: the webhook-id header, the same on every attempt
  webhook_id TEXT NOT NULL,
  dedupe_key TEXT NOT NULL UNIQUE,      -- endpoint + what raised it: a repeated write enqueues nothing twice
  event TEXT NOT NULL,
  survey_id TEXT,
  invitation_id TEXT,                   -- for response events: how erasure finds bodies naming a person
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER,              -- pending: not before this; a sender moves it ahead while it tries (a lease)
  attempt_log TEXT NOT NULL DEFAULT '[]', -- JSON array, one entry per attempt: { at, status, error, duration_ms }
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_invitation ON webhook_deliveries (invitation_id) WHERE invitation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_age ON webhook_deliveries (created_at);

-- ── Erasure and retention (functions/api/erasure.ts, functions/retention/) ─────────────────────
-- Erasure finds a person by their recipient id across every survey.
CREATE INDEX IF NOT EXISTS invitations_by_recipient_only ON invitations (recipient);

-- One row per erasure request: when, how much, and nothing about whom. Not even a hash of the
-- recipient: a hash (salted or not) still singles out the person to anyone who can guess or is given
-- the id, so it would keep personal data past its erasure; and erasure is idempotent, so nothing needs
-- to recognize a repeated request.
CREATE TABLE IF NOT EXISTS erasures (
  id TEXT PRIMARY KEY,                  -- "era_" + random
  at INTEGER NOT NULL,
  survey_id TEXT,                       -- the survey the request was limited to; NULL = every survey
  requested_by TEXT,                    -- the API key id; NULL = the ADMIN_TOKEN
  invitations INTEGER NOT NULL,         -- rows removed per table
  responses INTEGER NOT NULL,
  events INTEGER NOT NULL,
  webhook_deliveries INTEGER NOT NULL,
  sends INTEGER NOT NULL DEFAULT 0      -- the person's messages (0003)
);

-- Retention clears old comments by reading only answers that still have one.
CREATE INDEX IF NOT EXISTS answers_commented ON answers (survey_id, created_at) WHERE comment IS NOT NULL;

-- How far retention's sweep of answers (in invitation id order) has got; it starts again at the end.
-- Events older than their survey's retain_days are cut from each answer the sweep passes.
CREATE TABLE IF NOT EXISTS retention_sweep (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  after TEXT NOT NULL,                  -- the last invitation id swept
  updated_at INTEGER NOT NULL
);

-- ── Sending (functions/sending/, migration 0003) ─────────────────────────────────────────────────

-- A person Tapscore may email, by the caller's own recipient id, shared by every survey. When they
-- were last sent to, last answered and will next be asked are read from sends, responses and
-- survey_members, never copied here.
CREATE TABLE IF NOT EXISTS people (
  recipient TEXT PRIMARY KEY,           -- the caller's id for the person, as on invitations
  email TEXT,
  name TEXT,                            -- the only merge field a message has
  locale TEXT,                          -- language of their messages and pages; the survey's when NULL
  timezone TEXT,                        -- IANA name; sending windows are this zone's hours (the survey's when NULL)
  properties TEXT NOT NULL DEFAULT '{}',-- JSON segment values copied onto their invitations
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS people_by_email ON people (email);

-- One survey email to one person: scheduled, then taken by one cron run under a lease and sent.
CREATE TABLE IF NOT EXISTS sends (
  id TEXT PRIMARY KEY,                  -- "snd_" + random
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  invitation_id TEXT REFERENCES invitations (id), -- the links inside; NULL when suppressed before one was made
  recipient TEXT NOT NULL,
  email TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'recurring')),
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'sending', 'sent', 'failed', 'suppressed', 'cancelled')),
  send_at INTEGER NOT NULL,             -- when it is due; after a transient failure, the next attempt's time
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,                  -- the run that took it owns it until then; an expired lease is taken again
  error TEXT,                           -- the last failure as a code, never the provider's text (it may quote the address)
  message_id TEXT,                      -- Email Service's id, once sent
  origin TEXT NOT NULL,                 -- the public origin of its links, fixed when it was scheduled
  content TEXT,                         -- JSON: the texts it was rendered from (sender, subject, intro, name, locale), fixed when sent
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
-- The cron takes due messages in send_at order.
CREATE INDEX IF NOT EXISTS sends_due ON sends (status, send_at);
CREATE INDEX IF NOT EXISTS sends_by_survey ON sends (survey_id, created_at DESC, id DESC);
-- The throttle across surveys and a person's last and next send.
CREATE INDEX IF NOT EXISTS sends_by_recipient ON sends (recipient, send_at);
CREATE INDEX IF NOT EXISTS sends_by_invitation ON sends (invitation_id);

-- Addresses never emailed again: unsubscribed by the person, bounced or complained of, by address
-- (lower-cased) across every survey. A row per reason, so lifting an unsubscribe keeps a bounce.
CREATE TABLE IF NOT EXISTS suppressions (
  email TEXT NOT NULL,                  -- lower-cased address
  reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained')),
  source TEXT NOT NULL CHECK (source IN ('link', 'api', 'platform')),
  survey_id TEXT,                       -- the survey whose message it came from, when known
  created_at INTEGER NOT NULL,
  PRIMARY KEY (email, reason)
) WITHOUT ROWID;

-- People enrolled in a recurring survey: each is asked again every recurrence interval.
CREATE TABLE IF NOT EXISTS survey_members (
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  recipient TEXT NOT NULL,
  enrolled_at INTEGER NOT NULL,
  next_send_at INTEGER NOT NULL,        -- when the cron schedules their next message
  PRIMARY KEY (survey_id, recipient)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS survey_members_due ON survey_members (next_send_at);

-- The audit log of the manage pages (functions/internal/manage/): one line per change, append-only.
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,                  -- epoch ms
  actor TEXT NOT NULL,                  -- "admin", "key:<id>" or "access:<email>"
  action TEXT NOT NULL,                 -- e.g. survey.create, response.override, key.revoke
  subject TEXT NOT NULL,                -- the id the change was made to
  detail TEXT NOT NULL                  -- a short human-readable summary
);
CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (at DESC, id DESC);
