import {
  type ConsultationThread,
  type InteractionStore,
  type ListByAgentOptions,
  type ListByCustomerOptions,
  type ListConsultationsOptions,
} from './interaction-store.port';
import {
  type AbandonedWork,
  type AbandonedWorkClosed,
  type ClassificationCorrectionUpdate,
  type ConsultationEntry,
  type InteractionHeaderUpdate,
  type InteractionView,
  type TranscriptEntry,
} from './interaction-view.types';
import { abandonEntry, abandonView, applyClassificationCorrection, applyHeaderUpdate, compareEntries, mergeEntry } from './interaction-view.util';

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

  async listByCustomer(authorId: string, options: ListByCustomerOptions = {}): Promise<InteractionView[]> {
    const brands = options.brandAccountIds === undefined ? null : new Set(options.brandAccountIds);
    const before = options.before;
    return [...this.headers.values()]
      .filter((view) => view.firstMessage?.author.id === authorId && view.id !== options.excludeId)
      .filter((view) => brands === null || brands.has(view.brandAccountId))
      .filter((view) => before === undefined || view.createdAt < before.createdAt || (view.createdAt === before.createdAt && view.id < before.id))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, options.limit ?? 20)
      .map((view) => this.assemble(view));
  }

  async listConsultations(agentId: string, options: ListConsultationsOptions = {}): Promise<ConsultationThread[]> {
    const before = options.before;
    const threads: ConsultationThread[] = [];
    for (const header of this.headers.values()) {
      if (header.state === 'completed') continue;
      const mine = [...(this.entries.get(header.id)?.values() ?? [])].filter(
        (entry): entry is ConsultationEntry => entry.kind === 'consultation' && (entry.withAgentId === agentId || entry.fromAgentId === agentId),
      );
      if (!mine.some((entry) => entry.withAgentId === agentId)) continue;
      const consultations = mine.sort(compareEntries).reverse();
      const latestAt = consultations[0]?.at ?? 0;
      if (before !== undefined && !(latestAt < before.latestAt || (latestAt === before.latestAt && header.id < before.id))) continue;
      const { transcript: _none, ...interaction } = header;
      threads.push(structuredClone({ interaction, consultations, latestAt }));
    }
    return threads
      .sort((a, b) => b.latestAt - a.latestAt || (a.interaction.id < b.interaction.id ? 1 : a.interaction.id > b.interaction.id ? -1 : 0))
      .slice(0, options.limit ?? 20);
  }

  async abandonUnfinished(work: AbandonedWork): Promise<AbandonedWorkClosed> {
    const interactionIds: string[] = [];
    for (const [id, header] of this.headers) {
      if (header.state === 'completed') continue;
      this.headers.set(id, structuredClone(abandonView(header, work)));
      interactionIds.push(id);
    }
    let actions = 0;
    for (const byId of this.entries.values()) {
      for (const [entryId, entry] of byId) {
        const closed = abandonEntry(entry, work);
        if (closed === entry) continue;
        byId.set(entryId, structuredClone(closed));
        actions += 1;
      }
    }
    return { interactionIds: interactionIds.sort(), actions };
  }

  private assemble(header: InteractionView): InteractionView {
    // Copies, so a caller mutating a view cannot change the store (PostgreSQL behaves the same way).
    const transcript = [...(this.entries.get(header.id)?.values() ?? [])].sort(compareEntries);
    return structuredClone({ ...header, transcript });
  }
}
