import { ValidationFailedError } from '@perch/platform';

import { MAX_PRIORITY } from '../routing.constants';
import { type SetPresenceInput, type UpsertInteractionInput } from '../routing.types';
import { isValidPriority } from '../priority.util';

/** Same upper bound as agent.command's capacity. */
export const MAX_AGENT_CAPACITY = 50;

// A tenant becomes a Redis hash tag: braces would break the tag and put keys in different slots.
const TENANT_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function assertValidTenant(tenant: string): void {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new ValidationFailedError(`Invalid routing tenant "${tenant}"`, [
      { field: 'tenant', messages: ['must match [A-Za-z0-9._-]{1,64}'] },
    ]);
  }
}

// Both adapters validate identically so that the contract suite sees the same refusals.
export function assertValidPresence(input: SetPresenceInput): void {
  const problems: { field: string; messages: string[] }[] = [];
  if (input.agentId.length === 0) problems.push({ field: 'agentId', messages: ['must not be empty'] });
  if (
    input.capacity !== undefined &&
    (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > MAX_AGENT_CAPACITY)
  ) {
    problems.push({ field: 'capacity', messages: [`must be an integer 1..${MAX_AGENT_CAPACITY}`] });
  }
  if (problems.length > 0) throw new ValidationFailedError('Invalid presence', problems);
}

export function assertValidUpsert(input: UpsertInteractionInput): void {
  const problems: { field: string; messages: string[] }[] = [];
  if (!isValidPriority(input.priority)) {
    problems.push({ field: 'priority', messages: [`must be an integer 0..${MAX_PRIORITY}`] });
  }
  if (input.interactionIdIfNew.length === 0) {
    problems.push({ field: 'interactionIdIfNew', messages: ['must not be empty'] });
  }
  if (input.requiredSkill === '') problems.push({ field: 'requiredSkill', messages: ['must not be empty when set'] });
  if (problems.length > 0) throw new ValidationFailedError('Invalid interaction upsert', problems);
}
