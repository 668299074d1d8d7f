import { compareIds } from '@perch/x-client';

import { type CursorStore } from './cursor-store.port';

export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.cursors.get(key);
  }

  async advance(key: string, id: string): Promise<void> {
    const current = this.cursors.get(key);
    if (current === undefined || compareIds(id, current) > 0) this.cursors.set(key, id);
  }
}
