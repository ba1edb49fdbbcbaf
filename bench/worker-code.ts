import { workerModule } from "../scripts/lib/worker-modules.ts";
import type { D1Like } from "./d1-like.ts";

/** The Worker's own functions the bench runs, loaded from functions/ (Node's TypeScript transform). */
import type { RollupReport } from "../functions/rollups/report.ts";

export type { RollupReport };
type Rollup = (db: D1Like, options: { now: number; maxChunks?: number; budgetMs?: number }) => Promise<RollupReport>;
export interface ChoiceLike {
  invitationId: string;
  surveyId: string;
  kind: "tap";
  score: number;
  facts: { client: "browser"; asn: null; country: null; signals: Record<string, string | boolean> };
  now: number;
}
export interface QueueMessageLike {
  id: string;
  timestamp: Date;
  attempts: number;
  body: unknown;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface WorkerCode {
  runRollups: Rollup;
  rebuildRollups: Rollup;
  /** What a link names, with its answer so far: the route's first round trip. */
  linkTarget(db: D1Like, invitationId: string): Promise<{ answer: unknown } | null>;
  recordChoice(db: D1Like, choice: ChoiceLike, options?: { known?: unknown }): Promise<{ status: string } | null>;
  toMessage(id: string, choice: ChoiceLike): unknown;
  consumeTaps(
    batch: { queue: string; messages: QueueMessageLike[]; ackAll(): void; retryAll(): void },
    env: { DB: D1Like },
    ctx: { waitUntil(promise: Promise<unknown>): void; passThroughOnException(): void },
  ): Promise<void>;
  insertSurvey(db: D1Like, survey: unknown, now: number): Promise<boolean>;
  parseNewSurvey(body: unknown): unknown;
}

export async function loadWorkerCode(): Promise<WorkerCode> {
  const [job, record, messages, consumer, surveys, input, invitations] = await Promise.all([
    workerModule<Pick<WorkerCode, "runRollups" | "rebuildRollups">>("functions/rollups/job.ts"),
    workerModule<Pick<WorkerCode, "recordChoice">>("functions/counting/record.ts"),
    workerModule<Pick<WorkerCode, "toMessage">>("functions/queue/messages.ts"),
    workerModule<Pick<WorkerCode, "consumeTaps">>("functions/queue/consumer.ts"),
    workerModule<Pick<WorkerCode, "insertSurvey">>("functions/storage/surveys.ts"),
    workerModule<Pick<WorkerCode, "parseNewSurvey">>("functions/surveys/survey-input.ts"),
    workerModule<Pick<WorkerCode, "linkTarget">>("functions/storage/invitations.ts"),
  ]);
  return { ...job, ...record, ...messages, ...consumer, ...surveys, ...input, ...invitations };
}
