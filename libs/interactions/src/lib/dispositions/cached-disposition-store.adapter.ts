import { type BrandDispositions, type DispositionCode, type DispositionStore } from './disposition-store.port';

export interface CachedDispositionStoreOptions {
  /** How long a brand's codes are served from memory. Default 2,000 ms. */
  ttlMs?: number;
  now?: () => number;
}

interface CachedBrand {
  at: number;
  read: Promise<BrandDispositions>;
}

const DEFAULT_TTL_MS = 2_000;

/**
 * A DispositionStore whose reads per brand are served from memory for a short while. Every done reads its brand's
 * codes and setting, two queries, for data a supervisor changes a few times a day (ADR 32). A change made through
 * this replica applies at once; one made on another replica applies here within ttlMs, which is no worse than a
 * done sent a moment before the change. Concurrent reads of a brand share one query; a failed read is not kept.
 */
export class CachedDispositionStore implements DispositionStore {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly brands = new Map<string, CachedBrand>();

  constructor(
    private readonly inner: DispositionStore,
    options: CachedDispositionStoreOptions = {},
  ) {
    this.ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_TTL_MS);
    this.now = options.now ?? Date.now;
  }

  forBrand(brand: string): Promise<BrandDispositions> {
    const cached = this.brands.get(brand);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.read.then(copyOf);
    const entry: CachedBrand = { at: this.now(), read: this.inner.forBrand(brand) };
    this.brands.set(brand, entry);
    entry.read.catch(() => {
      if (this.brands.get(brand) === entry) this.brands.delete(brand);
    });
    return entry.read.then(copyOf);
  }

  async addCode(brand: string, code: { code: string; label: string }, at: number): Promise<DispositionCode> {
    try {
      return await this.inner.addCode(brand, code, at);
    } finally {
      this.brands.delete(brand);
    }
  }

  async updateCode(brand: string, code: string, patch: { label?: string; retired?: boolean }, at: number): Promise<DispositionCode | undefined> {
    try {
      return await this.inner.updateCode(brand, code, patch, at);
    } finally {
      this.brands.delete(brand);
    }
  }

  async setRequired(brand: string, required: boolean, at: number): Promise<BrandDispositions> {
    try {
      return await this.inner.setRequired(brand, required, at);
    } finally {
      this.brands.delete(brand);
    }
  }
}

/** Callers get their own copy: one changing what it was given must not change what the next caller reads. */
function copyOf(value: BrandDispositions): BrandDispositions {
  return { ...value, codes: value.codes.map((code) => ({ ...code })) };
}
