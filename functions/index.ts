import { rollupTick } from "./rollups/tick";
import { applyRetention } from "./retention/apply";
import { deliverDueWebhooks } from "./webhooks/deliver";
import { router } from "./router";
import { consumeTaps } from "./queue/consumer";
import { pruneSeenMessages } from "./queue/prune";

/** The Worker entry: wires the router to fetch and the rollup to the cron trigger. */
export default {
  fetch: router.fetch,
  scheduled: (controller, env, ctx) => {
    ctx.waitUntil(rollupTick(env, controller.scheduledTime));
    // Independent of the rollup: a failure in one never holds up the others.
    ctx.waitUntil(deliverDueWebhooks(env, controller.scheduledTime));
    ctx.waitUntil(applyRetention(env, controller.scheduledTime));
    ctx.waitUntil(pruneSeenMessages(env, controller.scheduledTime));
  },
  // Taps sent to the TAPS queue when INGEST_MODE = "queue".
  queue: (batch, env, ctx) => consumeTaps(batch, env, ctx),
} satisfies ExportedHandler<Env>;
