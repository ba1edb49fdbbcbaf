/** Times leave the API as ISO 8601 strings in UTC. */
export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString();
