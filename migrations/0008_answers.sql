-- Migration 0008: an invitation's raw events and the decision made from them live in one row (answers).
-- A counted tap used to write 8 rows (the event, its index and AUTOINCREMENT's counter; the response,
-- its two keys and two indexes). Now it writes one row and its two partial index entries, in one
-- statement guarded by the row's version, so the event and its decision are stored together or not at
-- all. `responses` and `events` stay, as views over answers, for everything that reads them.

CREATE TABLE answers (
  invitation_id TEXT PRIMARY KEY REFERENCES invitations (id),
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  events TEXT NOT NULL,
  version INTEGER NOT NULL,
  stale INTEGER NOT NULL DEFAULT 0,
  score INTEGER,
  comment TEXT,
  status TEXT CHECK (status IN ('counted', 'suspected', 'excluded')),
  reason TEXT,
  override TEXT CHECK (override IN ('counted', 'excluded')),
  created_at INTEGER,
  updated_at INTEGER NOT NULL,
  event_seq INTEGER
) WITHOUT ROWID;

-- Every event of every invitation, oldest first, as one JSON array per invitation.
INSERT INTO answers (invitation_id, survey_id, events, version, stale, score, comment, status, reason, override, created_at, updated_at, event_seq)
SELECT i.id, i.survey_id,
       (SELECT json_group_array(json_object('kind', e.kind, 'score', e.score, 'at', e.at, 'client', e.client, 'asn', e.asn,
                                            'country', e.country, 'signals', json(e.signals)) ORDER BY e.seq)
        FROM events e WHERE e.invitation_id = i.id),
       1, 0, r.score, r.comment, r.status, r.reason, r.override, r.created_at,
       COALESCE(r.updated_at, (SELECT MAX(at) FROM events WHERE invitation_id = i.id), i.created_at), r.event_seq
FROM invitations i LEFT JOIN responses r ON r.invitation_id = i.id
WHERE r.invitation_id IS NOT NULL OR EXISTS (SELECT 1 FROM events WHERE invitation_id = i.id);

DROP TRIGGER responses_day_moved;
DROP TABLE responses;
DROP TABLE events;
-- Queue message ids now travel inside the events they wrote; the repair follows answers.stale and
-- retention sweeps answers: the tables that served the old layout go. (Events stored before this
-- migration name no message: the consumer knows a tap queued before the upgrade and redelivered after
-- it by its choice, facts and millisecond, functions/queue/consumer.ts.)
DROP TABLE queue_messages;
DROP TABLE decision_watermark;
DROP TABLE retention_cursors;

CREATE INDEX answers_by_survey ON answers (survey_id, created_at DESC, invitation_id DESC) WHERE status IS NOT NULL;
CREATE INDEX answers_by_change ON answers (event_seq) WHERE status IS NOT NULL;
CREATE INDEX answers_commented ON answers (survey_id, created_at) WHERE comment IS NOT NULL;
CREATE INDEX answers_stale ON answers (invitation_id) WHERE stale = 1;

CREATE TRIGGER answers_day_moved AFTER UPDATE OF created_at ON answers
WHEN OLD.created_at IS NOT NULL AND OLD.created_at <> NEW.created_at
BEGIN
  INSERT INTO rollup_touches (survey_id, at) VALUES (OLD.survey_id, OLD.created_at);
END;

CREATE VIEW responses AS
  SELECT 'rsp_' || invitation_id AS id, invitation_id, survey_id, score, comment, status, reason, override, created_at, updated_at, event_seq
  FROM answers WHERE status IS NOT NULL;

CREATE VIEW events AS
  SELECT a.invitation_id, e.key + 1 AS seq, json_extract(e.value, '$.kind') AS kind, json_extract(e.value, '$.score') AS score,
         json_extract(e.value, '$.at') AS at, json_extract(e.value, '$.client') AS client, json_extract(e.value, '$.asn') AS asn,
         json_extract(e.value, '$.country') AS country, json_extract(e.value, '$.signals') AS signals,
         json_extract(e.value, '$.message') AS message_id
  FROM answers a, json_each(a.events) e;

-- How far retention's sweep of answers (in invitation id order) has got; it starts again at the end.
CREATE TABLE retention_sweep (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  after TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
