-- Migration 0007: the audit log of the manage pages (functions/internal/manage/).

-- One line per change made through /internal/manage/…: who made it (the signed-in identity as the gate
-- knows it), what, and when. Append-only; an admin reads it at /internal/manage/audit.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,                  -- epoch ms
  actor TEXT NOT NULL,                  -- "admin", "key:<id>" or "access:<email>"
  action TEXT NOT NULL,                 -- e.g. survey.create, response.override, key.revoke
  subject TEXT NOT NULL,                -- the id the change was made to
  detail TEXT NOT NULL                  -- a short human-readable summary
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC, id DESC);
