import { afterEach, beforeEach, expect, vi } from "vitest";
import type { Send } from "../../functions/webhooks/deliver";
import { api } from "./api";

/** One delivery as GET /api/v1/webhooks/{id}/deliveries shows it (the fields the tests read). */
export interface DeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  log: { status: number | null; error: string | null; duration_ms: number }[];
}

/** The delivery log of one webhook, newest first, through the API. */
export async function deliveries(webhookId: string): Promise<DeliveryView[]> {
  const response = await api("GET", `/api/v1/webhooks/${webhookId}/deliveries`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { deliveries: DeliveryView[] }).deliveries;
}

/** Deliveries made in waitUntil after the answer went out: wait until `count` of them have been attempted. */
export async function attempted(webhookId: string, count: number): Promise<DeliveryView[]> {
  for (let i = 0; i < 100; i++) {
    const list = await deliveries(webhookId);
    if (list.length >= count && list.every((d) => d.attempts > 0)) return list;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`deliveries of ${webhookId} did not settle: ${JSON.stringify(await deliveries(webhookId))}`);
}

/** Deletes every webhook, so each test starts with no endpoint listening. */
export async function deleteAllWebhooks(): Promise<void> {
  const { webhooks } = (await (await api("GET", "/api/v1/webhooks")).json()) as { webhooks: { id: string }[] };
  for (const webhook of webhooks) await api("DELETE", `/api/v1/webhooks/${webhook.id}`);
}

export interface ReceivedDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Stands in for every webhook endpoint of a test file: the Worker's outbound fetch and the `receiver`
 * handed to deliverDueWebhooks both record the request and answer 200. Each test starts with nothing
 * received; the webhooks it made are deleted after it.
 */
export function recordingReceiver(): { received: ReceivedDelivery[]; receiver: Send } {
  const received: ReceivedDelivery[] = [];
  const receiver: Send = async (url, init) => {
    received.push({ url, headers: Object.fromEntries(new Headers(init.headers).entries()), body: String(init.body) });
    return new Response("ok", { status: 200 });
  };
  beforeEach(() => {
    received.length = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => receiver(String(input instanceof Request ? input.url : input), init ?? {}));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await deleteAllWebhooks();
  });
  return { received, receiver };
}
