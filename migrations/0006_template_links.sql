-- Migration 0006: template links (functions/respondent/template.ts, docs/template-links.md).

-- Where an invitation came from: 'invitation' for every one the API, the sender or an import made
-- (a per-recipient signed link), 'template' for one made by the first tap on a survey's template link.
ALTER TABLE invitations ADD COLUMN source TEXT NOT NULL DEFAULT 'invitation' CHECK (source IN ('invitation', 'template'));

-- A template link's taps find their invitation by (survey, recipient id): one per person, made by
-- whichever tap comes first, however many arrive at once.
CREATE UNIQUE INDEX invitations_by_template_recipient ON invitations (survey_id, recipient) WHERE source = 'template';
