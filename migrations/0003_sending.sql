-- Migration 0003: Tapscore sends the survey emails itself (functions/sending/).
-- Times are Unix epoch milliseconds, like every other table.

-- A person Tapscore may email, by the caller's own recipient id, shared by every survey. When they
-- were last sent to, last answered and will next be asked are read from sends, responses and
-- survey_members, never copied here.
CREATE TABLE people (
  recipient TEXT PRIMARY KEY,           -- the caller's id for the person, as on invitations
  email TEXT,
  name TEXT,                            -- the only merge field a message has
  locale TEXT,                          -- language of their messages and pages; the survey's when NULL
  timezone TEXT,                        -- IANA name; sending windows are this zone's hours (the survey's when NULL)
  properties TEXT NOT NULL DEFAULT '{}',-- JSON segment values copied onto their invitations
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX people_by_email ON people (email);

-- One survey email to one person: scheduled, then taken by one cron run under a lease and sent.
CREATE TABLE sends (
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
CREATE INDEX sends_due ON sends (status, send_at);
CREATE INDEX sends_by_survey ON sends (survey_id, created_at DESC, id DESC);
-- The throttle across surveys and a person's last and next send.
CREATE INDEX sends_by_recipient ON sends (recipient, send_at);
CREATE INDEX sends_by_invitation ON sends (invitation_id);

-- Addresses never emailed again: unsubscribed by the person, bounced or complained of, by address
-- (lower-cased) across every survey. A row per reason, so lifting an unsubscribe keeps a bounce.
CREATE TABLE suppressions (
  email TEXT NOT NULL,                  -- lower-cased address
  reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained')),
  source TEXT NOT NULL CHECK (source IN ('link', 'api', 'platform')),
  survey_id TEXT,                       -- the survey whose message it came from, when known
  created_at INTEGER NOT NULL,
  PRIMARY KEY (email, reason)
) WITHOUT ROWID;

-- People enrolled in a recurring survey: each is asked again every recurrence interval.
CREATE TABLE survey_members (
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  recipient TEXT NOT NULL,
  enrolled_at INTEGER NOT NULL,
  next_send_at INTEGER NOT NULL,        -- when the cron schedules their next message
  PRIMARY KEY (survey_id, recipient)
) WITHOUT ROWID;
CREATE INDEX survey_members_due ON survey_members (next_send_at);

-- Erasure removes a person's messages too, and counts them like the other rows.
ALTER TABLE erasures ADD COLUMN sends INTEGER NOT NULL DEFAULT 0;
