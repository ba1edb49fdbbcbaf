-- Migration 0002: a survey's retention period becomes a column of its own.
-- Until now `retain_days` lived inside the `settings` JSON, because re-applying schema.sql could add
-- tables but never a column to an existing table. Retention reads it every cron tick, and a column
-- can be filtered and checked by SQLite itself.
ALTER TABLE surveys ADD COLUMN retain_days INTEGER CHECK (retain_days > 0);

-- Carry every stored value over and drop the key from settings, so there is one source of truth.
-- json_type is NULL only when the key is absent (a JSON null gives 'null'), so explicit nulls are
-- removed from settings as well and leave the column NULL.
UPDATE surveys
SET retain_days = json_extract(settings, '$.retain_days'),
    settings = json_remove(settings, '$.retain_days')
WHERE json_type(settings, '$.retain_days') IS NOT NULL;
