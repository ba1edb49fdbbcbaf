/** The `annotations` table: every SQL statement that touches it lives here. */
import type { D1Reads } from "./reads";

export interface Annotation {
  id: string;
  survey_id: string;
  at: number;
  label: string;
}

/** Inserts an annotation; answers false when one with this id exists (the same note posted again). */
export async function insertAnnotation(db: D1Database, annotation: Annotation): Promise<boolean> {
  const result = await db
    .prepare("INSERT INTO annotations (id, survey_id, at, label) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING")
    .bind(annotation.id, annotation.survey_id, annotation.at, annotation.label)
    .run();
  return result.meta.changes === 1;
}

/** A survey's annotations in time order, optionally within [from, to). */
export async function listAnnotations(
  db: D1Reads,
  surveyId: string,
  options: { from: number | null; to: number | null; limit: number },
): Promise<Annotation[]> {
  const { results } = await db
    .prepare(
      `SELECT id, survey_id, at, label FROM annotations
       WHERE survey_id = ?1 AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)
       ORDER BY at, id LIMIT ?4`,
    )
    .bind(surveyId, options.from, options.to, options.limit)
    .all<Annotation>();
  return results;
}

export async function deleteAnnotation(db: D1Database, surveyId: string, id: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM annotations WHERE survey_id = ?1 AND id = ?2").bind(surveyId, id).run();
  return result.meta.changes === 1;
}
