import { router } from "./router";

/** The Worker entry: wires the router to fetch. */
export default {
  fetch: router.fetch,
} satisfies ExportedHandler<Env>;
