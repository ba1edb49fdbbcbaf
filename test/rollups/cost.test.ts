import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { runRollups } from "../../functions/rollups/job";
import { InstrumentedD1 } from "../helpers/instrumented-d1";
import { TICK_TIME, addResponses, addSurvey, type FakeResponse } from "../helpers/rollup-data";

const DAY = 86_400_000;

/** count answers spread evenly over `days` days from `start`, with a realistic segment mix. */
function answers(count: number, start: number, days: number): FakeResponse[] {
  return Array.from({ length: count }, (_, i) => ({
    at: start + Math.floor((i * days * DAY) / count),
    score: i % 11,
    status: i % 13 === 0 ? "suspected" : "counted",
    properties: { channel: i % 2 ? "email" : "sms", country: ["NL", "BE", "DE"][i % 3]!, variant: i % 2 ? "A" : "B" },
  }));
}

/** Rows D1 reports read by one tick that rolls up 1,000 new answers over two new days. */
async function costOfNewAnswers(newDay: number): Promise<{ rowsRead: number; statements: number }> {
  await addResponses("cost", answers(1_000, newDay, 2));
  const meter = new InstrumentedD1(env.DB);
  const report = await runRollups(meter.binding, { now: TICK_TIME });
  expect(report).toMatchObject({ responses: 1_000, caughtUp: true });
  return { rowsRead: meter.counters.rowsRead, statements: meter.counters.statements };
}

it("reads as many rows for 1,000 new answers with 20,000 older ones as with 2,000", async () => {
  await addSurvey({ id: "cost", metric: "nps", timezone: "Europe/Amsterdam" });
  await addResponses("cost", answers(2_000, Date.UTC(2025, 0, 1), 200));
  await runRollups(env.DB, { now: TICK_TIME });
  const small = await costOfNewAnswers(Date.UTC(2026, 2, 1, 6));

  await addResponses("cost", answers(18_000, Date.UTC(2025, 0, 1), 400));
  await runRollups(env.DB, { now: TICK_TIME });
  const large = await costOfNewAnswers(Date.UTC(2026, 3, 1, 6));

  console.log(`rows read for 1,000 new answers: ${small.rowsRead} with 2k history, ${large.rowsRead} with 20k history (${small.statements}/${large.statements} statements)`);
  expect(large.statements).toBe(small.statements);
  expect(large.rowsRead).toBeLessThanOrEqual(small.rowsRead * 1.05);
  // And it is proportional to the change: a handful of reads per new answer, not per old one.
  expect(large.rowsRead).toBeLessThan(10 * 1_000);
}, 30_000);
