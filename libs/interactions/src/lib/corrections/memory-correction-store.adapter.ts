import {
  compareCorrections,
  type CorrectionRecord,
  type CorrectionStore,
  type ListCorrectionsOptions,
} from './correction-store.port';

const DEFAULT_LIMIT = 500;

/** In-process CorrectionStore for the embedded mode and tests. Same semantics as the PostgreSQL adapter. */
export class MemoryCorrectionStore implements CorrectionStore {
  private readonly corrections = new Map<string, CorrectionRecord>();

  async start(): Promise<void> {
    // Nothing to create.
  }

  async stop(): Promise<void> {
    // Nothing to release.
  }

  async record(correction: CorrectionRecord): Promise<boolean> {
    if (this.corrections.has(correction.correctionId)) return false;
    this.corrections.set(correction.correctionId, structuredClone(correction));
    return true;
  }

  async get(correctionId: string): Promise<CorrectionRecord | null> {
    const found = this.corrections.get(correctionId);
    return found ? structuredClone(found) : null;
  }

  async list(options: ListCorrectionsOptions = {}): Promise<CorrectionRecord[]> {
    const after = options.after;
    return [...this.corrections.values()]
      .filter((record) => after === undefined || compareCorrections(record, after) > 0)
      .sort(compareCorrections)
      .slice(0, options.limit ?? DEFAULT_LIMIT)
      .map((record) => structuredClone(record));
  }
}
