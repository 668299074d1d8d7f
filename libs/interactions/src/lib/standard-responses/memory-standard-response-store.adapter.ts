import {
  type StandardResponse,
  type StandardResponsePatch,
  type StandardResponseSearch,
  type StandardResponseStore,
} from './standard-response-store.port';

/** StandardResponseStore in this process, for tests; same behaviour as SqlStandardResponseStore. */
export class MemoryStandardResponseStore implements StandardResponseStore {
  private readonly responses = new Map<string, StandardResponse>();

  async search(query: StandardResponseSearch): Promise<StandardResponse[]> {
    const words = (query.q ?? '').toLowerCase().split(/\s+/).filter((word) => word.length > 0);
    return [...this.responses.values()]
      .filter((response) => response.brand === null || query.brands === '*' || query.brands.includes(response.brand))
      .filter((response) => query.brand === undefined || response.brand === null || response.brand === query.brand)
      .filter((response) => query.language === undefined || response.language === query.language)
      .filter((response) => query.category === undefined || response.category === query.category)
      .filter((response) => words.every((word) => response.title.toLowerCase().includes(word) || response.text.toLowerCase().includes(word)))
      .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, query.limit ?? 50)
      .map((response) => ({ ...response }));
  }

  async get(id: string): Promise<StandardResponse | undefined> {
    const response = this.responses.get(id);
    return response ? { ...response } : undefined;
  }

  async create(response: StandardResponse): Promise<StandardResponse> {
    this.responses.set(response.id, { ...response });
    return { ...response };
  }

  async update(id: string, patch: StandardResponsePatch, at: number): Promise<StandardResponse | undefined> {
    const current = this.responses.get(id);
    if (!current) return undefined;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as StandardResponsePatch;
    const next = { ...current, ...defined, updatedAt: at };
    this.responses.set(id, next);
    return { ...next };
  }

  async remove(id: string): Promise<boolean> {
    return this.responses.delete(id);
  }
}
