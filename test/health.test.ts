import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("answers /healthz with the database reachable", async () => {
  const response = await SELF.fetch("http://tapscore.test/healthz");
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, database: "ok" });
});
