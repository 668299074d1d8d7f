import { ValidationFailedError } from '@perch/platform';

import { type AgentRecord } from './agent-directory.service';
import { hashPassword } from './password-hash.util';

/** How operators declare agents in configuration: a scrypt hash in production, a plain password for demos. */
export interface AgentSeed {
  id: string;
  displayName?: string;
  password?: string;
  passwordHash?: string;
  capacity?: number;
  skills?: string[];
}

/** Parses GATEWAY_AGENTS (a JSON array of AgentSeed) and hashes plain passwords; names every bad entry. */
export async function agentRecordsFromJson(json: string): Promise<AgentRecord[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ValidationFailedError('GATEWAY_AGENTS is not JSON', [
      { field: 'GATEWAY_AGENTS', messages: [error instanceof Error ? error.message : 'parse error'] },
    ]);
  }
  if (!Array.isArray(parsed)) {
    throw new ValidationFailedError('GATEWAY_AGENTS must be a JSON array', [{ field: 'GATEWAY_AGENTS', messages: ['must be an array'] }]);
  }
  const problems: { field: string; messages: string[] }[] = [];
  const seeds: AgentSeed[] = [];
  parsed.forEach((entry: unknown, index) => {
    const seed = entry as AgentSeed;
    const messages: string[] = [];
    if (typeof seed?.id !== 'string' || !/^[a-zA-Z0-9._-]{1,64}$/.test(seed.id)) messages.push('id must be 1-64 letters, digits, . _ -');
    if (typeof seed?.password !== 'string' && typeof seed?.passwordHash !== 'string') messages.push('password or passwordHash is required');
    if (seed?.capacity !== undefined && (!Number.isInteger(seed.capacity) || seed.capacity < 1 || seed.capacity > 50)) {
      messages.push('capacity must be an integer 1..50');
    }
    if (messages.length > 0) problems.push({ field: `GATEWAY_AGENTS[${index}]`, messages });
    else seeds.push(seed);
  });
  if (problems.length > 0) throw new ValidationFailedError('GATEWAY_AGENTS has invalid entries', problems);
  return Promise.all(seeds.map((seed) => agentRecordFromSeed(seed)));
}

export async function agentRecordFromSeed(seed: AgentSeed): Promise<AgentRecord> {
  return {
    id: seed.id,
    displayName: seed.displayName ?? seed.id,
    // Low scrypt cost for config-declared demo passwords keeps start-up fast with thousands of agents.
    passwordHash: seed.passwordHash ?? (await hashPassword(seed.password ?? '', { N: 1024 })),
    capacity: seed.capacity ?? 1,
    skills: seed.skills ?? [],
  };
}
