import { consumeTaps } from "./queue/consumer";
import { router } from "./router";
import { cronJobs } from "./scheduled";

/** The Worker entry: wires the router to fetch, the cron's jobs to scheduled and the tap queue to its consumer. */
export default {
  fetch: router.fetch,
  scheduled: (controller, env, ctx) => {
    for (const job of cronJobs(env, controller.scheduledTime)) ctx.waitUntil(job);
  },
  // Taps sent to the TAPS queue when INGEST_MODE = "queue".
  queue: (batch, env, ctx) => consumeTaps(batch, env, ctx),
} satisfies ExportedHandler<Env>;
