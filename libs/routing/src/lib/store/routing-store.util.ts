import { ValidationFailedError } from '@perch/platform';

import {
  DEFAULT_AGING_STEP_MS,
  DEFAULT_COMPLETED_RETENTION_MS,
  DEFAULT_DECLINE_MEMORY_MS,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_WRAP_UP_MS,
  MAX_AGING_STEP_MS,
  MAX_PRIORITY,
  MAX_WRAP_UP_MS,
} from '../routing.constants';
import { type ChannelCounts, type SetPresenceInput, type UpsertInteractionInput } from '../routing.types';
import { isValidPriority } from '../priority.util';
import { MAX_SKILL_LEVEL, parseAgentSkill, skillNamesOf } from '../skill-rules.util';
import { type RoutingPolicy, type RoutingStoreOptions } from './routing-store.port';

/** Same upper bound as agent.command's capacity. */
export const MAX_AGENT_CAPACITY = 50;
/** Same bound as agent.command's reason. */
const MAX_REASON_LENGTH = 32;

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
  if (input.state === 'wrap-up') problems.push({ field: 'state', messages: ['wrap-up follows a completion; a presence is ready, not-ready or offline'] });
  if (input.reason !== undefined) {
    if (input.state !== 'not-ready') problems.push({ field: 'reason', messages: ['only a not-ready presence has a reason'] });
    else if (input.reason.length === 0 || input.reason.length > MAX_REASON_LENGTH) {
      problems.push({ field: 'reason', messages: [`must be 1..${MAX_REASON_LENGTH} characters`] });
    }
  }
  const badSkills = (input.skills ?? []).filter((raw) => raw !== '' && parseAgentSkill(raw) === undefined);
  if (badSkills.length > 0) {
    problems.push({ field: 'skills', messages: badSkills.map((raw) => `"${raw}" is not <name> or <name>=<level 1..${MAX_SKILL_LEVEL}>`) });
  }
  if (
    input.capacity !== undefined &&
    (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > MAX_AGENT_CAPACITY)
  ) {
    problems.push({ field: 'capacity', messages: [`must be an integer 1..${MAX_AGENT_CAPACITY}`] });
  }
  const byChannel = input.capacityByChannel;
  if (byChannel !== undefined) {
    const limits = [byChannel.public, byChannel.dm];
    if (limits.some((limit) => !Number.isInteger(limit) || limit < 0 || limit > MAX_AGENT_CAPACITY)) {
      problems.push({ field: 'capacityByChannel', messages: [`public and dm must be integers 0..${MAX_AGENT_CAPACITY}`] });
    } else if (byChannel.public + byChannel.dm < 1) {
      problems.push({ field: 'capacityByChannel', messages: ['public + dm must be at least 1'] });
    }
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
  // '=' separates a skill from its level in agents' skills and in the store's group names: never part of a name.
  else if (input.requiredSkill?.includes('=')) problems.push({ field: 'requiredSkill', messages: ["must not contain '='"] });
  const level = input.requiredLevel;
  if (level !== undefined && (!Number.isInteger(level) || level < 1 || level > MAX_SKILL_LEVEL || input.requiredSkill === undefined)) {
    problems.push({ field: 'requiredLevel', messages: [`must be an integer 1..${MAX_SKILL_LEVEL}, with requiredSkill`] });
  }
  const widen = input.widen;
  if (widen !== undefined) {
    if (!Number.isInteger(widen.afterMs) || widen.afterMs < 1 || widen.afterMs > 2 ** 40) problems.push({ field: 'widen.afterMs', messages: ['must be a positive integer'] });
    if (widen.to.includes('=')) problems.push({ field: 'widen.to', messages: ["must not contain '='"] });
  }
  if (problems.length > 0) throw new ValidationFailedError('Invalid interaction upsert', problems);
}

/** What a presence sets: the limits to store, or undefined to keep the agent's current ones. */
export interface PresenceLimits {
  /** All channels together (effective: never above the channel limits' sum). */
  capacity: number;
  /** undefined: no per-channel limits (each channel may use all of `capacity`). */
  byChannel: ChannelCounts | undefined;
}

/** The capacity rule shared by both stores (see SetPresenceInput). */
export function presenceLimits(input: Pick<SetPresenceInput, 'capacity' | 'capacityByChannel'>): PresenceLimits | undefined {
  const byChannel = input.capacityByChannel;
  if (byChannel !== undefined) {
    const sum = byChannel.public + byChannel.dm;
    return { capacity: Math.min(input.capacity ?? sum, sum), byChannel: { public: byChannel.public, dm: byChannel.dm } };
  }
  return input.capacity === undefined ? undefined : { capacity: input.capacity, byChannel: undefined };
}

/** Options with defaults, checked once so both stores refuse the same bad configuration. */
export function routingPolicy(options: RoutingStoreOptions): RoutingPolicy {
  const problems: { field: string; messages: string[] }[] = [];
  const integer = (field: string, value: number, max: number): number => {
    if (!Number.isInteger(value) || value < 1 || value > max) problems.push({ field, messages: [`must be an integer 1..${max}`] });
    return value;
  };
  const policy: RoutingPolicy = {
    declineMemoryMs: integer('declineMemoryMs', options.declineMemoryMs ?? DEFAULT_DECLINE_MEMORY_MS, 2 ** 40),
    agingStepMs: integer('agingStepMs', options.agingStepMs ?? DEFAULT_AGING_STEP_MS, MAX_AGING_STEP_MS),
    overflowSkill: options.overflowSkill ?? '',
    dedupeTtlMs: integer('dedupeTtlMs', options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS, 2 ** 40),
    completedRetentionMs: integer('completedRetentionMs', options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS, 2 ** 40),
    wrapUpMs: options.wrapUpMs ?? DEFAULT_WRAP_UP_MS,
    stickyWindowMs: options.stickyWindowMs ?? 0,
    stickyWaitMs: options.stickyWaitMs ?? 0,
  };
  for (const field of ['stickyWindowMs', 'stickyWaitMs'] as const) {
    const value = policy[field];
    if (!Number.isInteger(value) || value < 0 || value > 2 ** 40) problems.push({ field, messages: ['must be an integer >= 0'] });
  }
  // 0 is allowed here (no wrap-up), unlike the other durations.
  if (!Number.isInteger(policy.wrapUpMs) || policy.wrapUpMs < 0 || policy.wrapUpMs > MAX_WRAP_UP_MS) {
    problems.push({ field: 'wrapUpMs', messages: [`must be an integer 0..${MAX_WRAP_UP_MS}`] });
  }
  if (problems.length > 0) throw new ValidationFailedError('Invalid routing store options', problems);
  return policy;
}

/** Each skill name once (levels dropped), without '' (which no interaction requires): what the indexes and counts use. */
/** Who a customer is for the sticky agent: the author of the first message, writing to the same brand account. */
export function customerKeyOf(message: { brandAccountId: string; author: { id: string } }): string {
  return `${message.brandAccountId}:${message.author.id}`;
}

/** Whether the policy keeps returning customers with their last agent. */
export function stickyEnabled(policy: RoutingPolicy): boolean {
  return policy.stickyWindowMs > 0 && policy.stickyWaitMs > 0;
}

export function indexedSkills(skills: readonly string[]): string[] {
  return skillNamesOf(skills);
}
