/**
 * Which messages are owed their one reminder: a read over sends, invitations, responses, suppressions
 * and people. The reminders themselves are written with storage/sends.ts's insertSendsStatement.
 */

export interface ReminderCandidate {
  /** The message reminded of. */
  send_id: string;
  survey_id: string;
  invitation_id: string;
  recipient: string;
  email: string;
  origin: string;
  sent_at: number;
  /** When the links of the invitation (and so of the reminder) stop working. */
  expires_at: number;
  timezone: string | null;
}

/**
 * A survey's messages that asked (invitation or recurring), were due after `sentAfter` (so left after
 * it too; the bound keeps the scan on the sends_due index) and left by `sentBefore`, whose invitation
 * has no counted answer and no reminder (of any status: one reminder, ever), to an address not
 * suppressed, and after which this survey asked that person nothing newer. Oldest first.
 */
export async function reminderCandidates(
  db: D1Database,
  options: { surveyId: string; sentAfter: number; sentBefore: number; limit: number },
): Promise<ReminderCandidate[]> {
  const { results } = await db
    .prepare(
      `SELECT s.id AS send_id, s.survey_id, s.invitation_id, s.recipient, s.email, s.origin, s.sent_at, i.expires_at, p.timezone
       FROM sends s
       JOIN invitations i ON i.id = s.invitation_id
       LEFT JOIN people p ON p.recipient = s.recipient
       WHERE s.status = 'sent' AND s.send_at > ?2 AND s.survey_id = ?1 AND s.kind IN ('invitation', 'recurring') AND s.sent_at <= ?3
         AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = s.invitation_id AND r.status = 'counted')
         AND NOT EXISTS (SELECT 1 FROM sends x WHERE x.invitation_id = s.invitation_id AND x.kind = 'reminder')
         AND NOT EXISTS (SELECT 1 FROM suppressions u WHERE u.email = lower(trim(s.email)))
         AND NOT EXISTS (
           SELECT 1 FROM sends n
           WHERE n.recipient = s.recipient AND n.survey_id = s.survey_id AND n.kind IN ('invitation', 'recurring')
             AND n.status IN ('scheduled', 'sending', 'sent') AND n.created_at > s.created_at)
       ORDER BY s.sent_at LIMIT ?4`,
    )
    .bind(options.surveyId, options.sentAfter, options.sentBefore, options.limit)
    .all<ReminderCandidate>();
  return results;
}
