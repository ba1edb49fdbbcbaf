/**
 * What one rollup run reports. No imports on purpose: the Node scripts (npm run rollup, the bench)
 * type their calls of the rollup with it, and Node's type-checker cannot follow the Worker's imports.
 */
export interface RollupReport {
  chunks: number;
  responses: number;
  invitations: number;
  touches: number;
  buckets: number;
  rows: number;
  caughtUp: boolean;
}
