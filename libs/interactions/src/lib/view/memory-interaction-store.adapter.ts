import { type InteractionStore, type ListByAgentOptions } from './interaction-store.port';
import {
  type ClassificationCorrectionUpdate,
  type InteractionHeaderUpdate,
  type InteractionView,
  type TranscriptEntry,
} from './interaction-view.types';
import { applyClassificationCorrection, applyHeaderUpdate, compareEntries, mergeEntry } from './interaction-view.util';

/** In-process InteractionStore for the embedded mode and tests. Same semantics as the PostgreSQL adapter. */
export class MemoryInteractionStore implements InteractionStore {
  private readonly headers = new Map<string, InteractionView>();
  // Entries live apart from headers because a reply's outcome can arrive before the routing event.
  private readonly entries = new Map<string, Map<string, TranscriptEntry>>();

  async start(): Promise<void> {
    // Nothing to create.
  }

  async stop(): Promise<void> {
    // Nothing to release.
  }

  async applyHeader(update: InteractionHeaderUpdate): Promise<void> {
    const next = applyHeaderUpdate(this.headers.get(update.interactionId) ?? null, update);
    this.headers.set(update.interactionId, structuredClone({ ...next, transcript: [] }));
  }

  async upsertEntries(interactionId: string, entries: readonly TranscriptEntry[]): Promise<void> {
    let byId = this.entries.get(interactionId);
    if (!byId) {
      byId = new Map();
      this.entries.set(interactionId, byId);
    }
    for (const entry of entries) byId.set(entry.entryId, structuredClone(mergeEntry(byId.get(entry.entryId), entry)));
  }

  async applyClassificationCorrection(update: ClassificationCorrectionUpdate): Promise<boolean> {
    const header = this.headers.get(update.interactionId);
    if (!header) return false;
    this.headers.set(update.interactionId, structuredClone(applyClassificationCorrection(header, update)));
    return true;
  }

  async get(interactionId: string): Promise<InteractionView | null> {
    const header = this.headers.get(interactionId);
    return header ? this.assemble(header) : null;
  }

  async listByAgent(agentId: string, options: ListByAgentOptions = {}): Promise<InteractionView[]> {
    const limit = options.limit ?? 50;
    return [...this.headers.values()]
      .filter((view) => view.agentId === agentId && (options.includeCompleted === true || view.state !== 'completed'))
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((view) => this.assemble(view));
  }

  private assemble(header: InteractionView): InteractionView {
    // Copies, so a caller mutating a view cannot change the store (PostgreSQL behaves the same way).
    const transcript = [...(this.entries.get(header.id)?.values() ?? [])].sort(compareEntries);
    return structuredClone({ ...header, transcript });
  }
}
