import { type AgentRecord, type AgentRole, type ChannelCapacity } from './agent-directory.domain';

/** A person who may sign in, as stored: an AgentRecord plus whether an admin disabled them. */
export interface UserRecord extends AgentRecord {
  disabled: boolean;
  /** ms since epoch. */
  createdAt: number;
  updatedAt: number;
}

/** What an admin may change; absent fields stay. `capacityByChannel: null` removes the per-channel limits. */
export interface UserPatch {
  displayName?: string;
  role?: AgentRole;
  brands?: string[];
  skills?: string[];
  capacity?: number;
  capacityByChannel?: ChannelCapacity | null;
  disabled?: boolean;
  passwordHash?: string;
}

/**
 * The users (agents, supervisors, admins): PostgreSQL (a server, or PGlite embedded) in the apps, memory in tests.
 * Ids are unique case-insensitively ("Bob" cannot join "bob"), looked up exactly (the sign-in username).
 */
export interface UserStore {
  /** Every user, disabled ones too, by id. */
  list(): Promise<UserRecord[]>;
  find(id: string): Promise<UserRecord | undefined>;
  /** ConflictError user-exists when the id (any case) is taken. */
  create(user: AgentRecord, at: number): Promise<UserRecord>;
  /** Undefined when there is no such user. */
  update(id: string, patch: UserPatch, at: number): Promise<UserRecord | undefined>;
  /** Inserts the users whose ids are missing (any case), never overwriting one; resolves the ids inserted. */
  seed(users: readonly AgentRecord[], at: number): Promise<string[]>;
}
