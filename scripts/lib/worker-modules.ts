/**
 * Runs the Worker's own modules from Node against the local D1 of `wrangler dev`, so local commands
 * (rollup, demo) execute the real code rather than a copy of its SQL.
 */
import { registerHooks } from "node:module";
import { getPlatformProxy } from "wrangler";

// Worker modules import each other without file extensions, as bundlers allow; Node needs ".ts".
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (/^\.\.?\//.test(specifier) && !/\.[cm]?[jt]s$/.test(specifier)) return nextResolve(`${specifier}.ts`, context);
      throw error;
    }
  },
});

/**
 * Imports a module of functions/ by its path from the project root. The specifier is built at run
 * time on purpose: scripts are type-checked with Node's types, the Worker's modules with Workers'.
 */
export async function workerModule<T>(path: string): Promise<T> {
  return (await import(new URL(`../../${path}`, import.meta.url).href)) as T;
}

/**
 * The local D1 binding: the same .wrangler state as `wrangler dev` and `wrangler d1 execute --local`,
 * or another directory, as wrangler's own --persist-to flag chooses.
 */
export async function withLocalDb<T>(persistTo: string | undefined, use: (db: unknown) => Promise<T>): Promise<T> {
  const proxy = await getPlatformProxy<{ DB: unknown }>({
    configPath: "wrangler.toml",
    // As with wrangler's --persist-to, the directory holds a "v3" folder with the state.
    ...(persistTo ? { persist: { path: `${persistTo}/v3` } } : {}),
  });
  try {
    return await use(proxy.env.DB);
  } finally {
    await proxy.dispose();
  }
}

/** The value of `--persist-to <dir>` on the command line, if given. */
export function persistToArgument(argv: readonly string[] = process.argv): string | undefined {
  const at = argv.indexOf("--persist-to");
  return at >= 0 ? argv[at + 1] : undefined;
}
