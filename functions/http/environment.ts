/**
 * Development is one's own machine (`npm start`, `npm run dev`, the tests): the only place where a
 * link may follow the request's Host and a webhook may call http://127.0.0.1. Anything else, an unset
 * value included, is production.
 */
export const isDevelopment = (env: Pick<Env, "ENVIRONMENT">): boolean => env.ENVIRONMENT === "development";
