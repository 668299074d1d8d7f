/**
 * Where each X source stands (since_id of a brand's mentions, of its DM events…), so a restart resumes exactly
 * where the last run stopped. A cursor only moves forward: an older id never overwrites a newer one.
 */
export interface CursorStore {
  get(key: string): Promise<string | undefined>;
  /** Moves the cursor to `id` if it is newer than the stored one (X ids compare as numbers); atomic. */
  advance(key: string, id: string): Promise<void>;
}
