/** Remembers which X ids were already published, so a tweet seen twice (reconnect, backfill, two sources) goes out once. */
export interface DedupeStore {
  /** True the first time an id is seen within the retention window; false afterwards. Atomic. */
  firstSeen(id: string): Promise<boolean>;
  /** Undo a claim when publishing failed, so the next delivery of the same tweet is not dropped. */
  forget(id: string): Promise<void>;
}
