import { ConflictError } from '@perch/platform';

import { AuthErrorCode } from './agent-auth.errors';
import { type AgentRecord } from './agent-directory.domain';
import { type UserPatch, type UserRecord, type UserStore } from './user-store.port';

/** UserStore in this process: tests, and an AgentDirectory given no store (its configured agents only). */
export class MemoryUserStore implements UserStore {
  private readonly users = new Map<string, UserRecord>();

  /** `initial`: users present from the start (created at `at`), as an AgentDirectory without a store is given them. */
  constructor(initial: readonly AgentRecord[] = [], at = 0) {
    for (const user of initial) {
      if (!this.users.has(user.id.toLowerCase())) this.users.set(user.id.toLowerCase(), copyOf({ ...user, disabled: false, createdAt: at, updatedAt: at }));
    }
  }

  async list(): Promise<UserRecord[]> {
    return [...this.users.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copyOf);
  }

  async find(id: string): Promise<UserRecord | undefined> {
    const user = this.users.get(id.toLowerCase());
    return user && user.id === id ? copyOf(user) : undefined;
  }

  async create(user: AgentRecord, at: number): Promise<UserRecord> {
    if (this.users.has(user.id.toLowerCase())) {
      throw new ConflictError<AuthErrorCode>(`A user "${user.id}" exists already`, AuthErrorCode.UserExists, { id: user.id });
    }
    const record: UserRecord = { ...copyOf({ ...user, disabled: false, createdAt: at, updatedAt: at }) };
    this.users.set(user.id.toLowerCase(), record);
    return copyOf(record);
  }

  async update(id: string, patch: UserPatch, at: number): Promise<UserRecord | undefined> {
    const current = this.users.get(id.toLowerCase());
    if (!current || current.id !== id) return undefined;
    const { capacityByChannel, ...rest } = patch;
    const next: UserRecord = { ...current, ...definedOf(rest), updatedAt: at };
    if (capacityByChannel === null) delete next.capacityByChannel;
    else if (capacityByChannel !== undefined) next.capacityByChannel = { ...capacityByChannel };
    this.users.set(id.toLowerCase(), copyOf(next));
    return copyOf(next);
  }

  async seed(users: readonly AgentRecord[], at: number): Promise<string[]> {
    const inserted: string[] = [];
    for (const user of users) {
      if (this.users.has(user.id.toLowerCase())) continue;
      await this.create(user, at);
      inserted.push(user.id);
    }
    return inserted;
  }
}

function definedOf<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function copyOf(user: UserRecord): UserRecord {
  return {
    ...user,
    brands: [...user.brands],
    skills: [...user.skills],
    ...(user.capacityByChannel === undefined ? {} : { capacityByChannel: { ...user.capacityByChannel } }),
  };
}
