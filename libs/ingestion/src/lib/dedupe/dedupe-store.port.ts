/**
 * What `claim` found. `claimed`: this caller publishes the message, then marks it published (or releases the claim
 * when publishing failed). `published`: a duplicate. `in-flight`: another caller claimed it moments ago and has not
 * marked it yet; `retryInMs` is how long that claim still lasts (it lapses on its own if its holder crashed).
 */
export type DedupeClaim =
  | { status: 'claimed'; token: string }
  | { status: 'published' }
  | { status: 'in-flight'; retryInMs: number };

/**
 * Remembers which X ids were published, so a message seen twice (reconnect, backfill, two sources) goes out once,
 * and a crash at any step loses none: a claim is short-lived (seconds) until the message is marked published (days).
 */
export interface DedupeStore {
  /** Claims an id for the claim TTL. Atomic: of concurrent callers exactly one gets `claimed`. */
  claim(id: string): Promise<DedupeClaim>;
  /** The id was published (or dead-lettered for good): a duplicate for the retention window. */
  markPublished(id: string): Promise<void>;
  /**
   * Gives a claim back when publishing failed, so the next delivery is not dropped as a duplicate. Only the claim
   * `token` names: a claim that lapsed and was taken by someone else, or a published mark, is left as it is.
   */
  release(id: string, token: string): Promise<void>;
}

/** How long a claim lasts unless marked published: longer than a publish normally takes, short enough to retry soon after a crash. */
export const DEFAULT_CLAIM_TTL_MS = 30_000;
/** How long a published id is remembered: X's retries and the polls' overlaps come well within a week. */
export const DEFAULT_DEDUPE_RETENTION_SECONDS = 7 * 24 * 3600;
