import { type Classification, type InboundMessage } from '@perch/contracts';

import { AGENT_STATES, INTERACTION_STATES } from '../../routing.constants';
import { type AgentRecord, type AgentState, type InteractionRecord, type InteractionState } from '../../routing.types';
import { AGENT_FIELDS, INTERACTION_FIELDS } from './routing-fields.constants';
import { type NullableStrings, optionalNumber, requiredNumber } from './redis-reply.util';

/** The immutable part of an interaction, stored as one JSON field that Lua never parses. */
export interface InteractionData {
  brandAccountId: string;
  correlationId: string;
  firstMessage: InboundMessage;
  classification: Classification;
}

type InteractionFieldName = (typeof INTERACTION_FIELDS)[number];
type AgentFieldName = (typeof AGENT_FIELDS)[number];

function byName<N extends string>(names: readonly N[], values: NullableStrings): Record<N, string | null> {
  const out = {} as Record<N, string | null>;
  names.forEach((name, i) => {
    out[name] = values[i] ?? null;
  });
  return out;
}

function isOneOf<T extends string>(value: string | null, allowed: readonly T[]): value is T {
  return value !== null && (allowed as readonly string[]).includes(value);
}

function parseStringArray(raw: string | null, what: string): string[] {
  if (raw === null) return [];
  const parsed: unknown = JSON.parse(raw);
  // cjson encodes an empty Lua table as {}: read it as an empty list.
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).length === 0) {
    return [];
  }
  if (!Array.isArray(parsed) || !parsed.every((item): item is string => typeof item === 'string')) {
    throw new Error(`Corrupt routing record: ${what} is ${raw}`);
  }
  return parsed;
}

/** `declined`: [[agentId, until], ...] oldest first (an older layout's bare agent ids are forgotten declines). */
function parseDeclines(raw: string | null, what: string): { declinedBy: string[]; declinedUntil?: Record<string, number> } {
  if (raw === null) return { declinedBy: [] };
  const parsed: unknown = JSON.parse(raw);
  const entries = Array.isArray(parsed) ? (parsed as unknown[]) : [];
  const declinedBy: string[] = [];
  const declinedUntil: Record<string, number> = {};
  for (const entry of entries) {
    if (typeof entry === 'string') {
      declinedBy.push(entry);
      declinedUntil[entry] = 0;
    } else if (Array.isArray(entry) && typeof entry[0] === 'string') {
      declinedBy.push(entry[0]);
      declinedUntil[entry[0]] = requiredNumber(String(entry[1]), what);
    } else {
      throw new Error(`Corrupt routing record: ${what} is ${raw}`);
    }
  }
  return declinedBy.length === 0 ? { declinedBy } : { declinedBy, declinedUntil };
}

function parseData(raw: string | null, interactionId: string): InteractionData {
  if (raw === null) throw new Error(`Corrupt routing record: interaction ${interactionId} has no data`);
  const parsed: unknown = JSON.parse(raw);
  if (parsed === null || typeof parsed !== 'object') {
    throw new Error(`Corrupt routing record: interaction ${interactionId} data is not an object`);
  }
  // Written only by this adapter from typed input, so its shape is trusted once it is an object.
  return parsed as InteractionData;
}

export function parseInteraction(interactionId: string, values: NullableStrings): InteractionRecord {
  const f: Record<InteractionFieldName, string | null> = byName(INTERACTION_FIELDS, values);
  const what = (field: string): string => `interaction ${interactionId} ${field}`;
  if (!isOneOf<InteractionState>(f.state, INTERACTION_STATES)) {
    throw new Error(`Corrupt routing record: ${what('state')} is ${String(f.state)}`);
  }
  const data = parseData(f.data, interactionId);
  const offerExpiresAt = optionalNumber(f.deadline, what('deadline'));
  const completedAt = optionalNumber(f.completed, what('completed'));
  const overflowedAt = optionalNumber(f.ovat, what('ovat'));
  const transferExpiresAt = optionalNumber(f.xdeadline, what('xdeadline'));
  const invitationExpiresAt = optionalNumber(f.cdeadline, what('cdeadline'));
  const guests = parseStringArray(f.guests, what('guests'));
  const requiredLevel = optionalNumber(f.lvl, what('lvl'));
  const widenAt = optionalNumber(f.wat, what('wat'));
  const widenedAt = optionalNumber(f.widened, what('widened'));
  const stickyUntil = optionalNumber(f.stickyuntil, what('stickyuntil'));
  return {
    interactionId,
    conversationKey: f.conv ?? data.firstMessage.conversationKey,
    brandAccountId: data.brandAccountId,
    correlationId: data.correlationId,
    state: f.state,
    priority: requiredNumber(f.prio, what('prio')),
    createdAt: requiredNumber(f.created, what('created')),
    ...(f.skill === null ? {} : { requiredSkill: f.skill }),
    ...(requiredLevel === undefined || requiredLevel <= 1 ? {} : { requiredLevel }),
    ...(widenAt === undefined ? {} : { widenAt, widenTo: f.wto ?? '' }),
    ...(widenedAt === undefined ? {} : { widenedAt }),
    ...(f.sticky === null ? {} : { stickyAgentId: f.sticky }),
    ...(stickyUntil === undefined ? {} : { stickyUntil }),
    ...(f.ovskill === null ? {} : { overflowSkill: f.ovskill }),
    ...(overflowedAt === undefined ? {} : { overflowedAt }),
    ...(f.agent === null ? {} : { agentId: f.agent }),
    ...(f.offer === null ? {} : { offerId: f.offer }),
    ...(offerExpiresAt === undefined ? {} : { offerExpiresAt }),
    ...parseDeclines(f.declined, what('declined')),
    ...(f.xto === null || f.xoffer === null || transferExpiresAt === undefined
      ? {}
      : { transferOffer: { toAgentId: f.xto, offerId: f.xoffer, expiresAt: transferExpiresAt, ...(f.xreason === null ? {} : { reason: f.xreason }) } }),
    ...(f.cto === null || f.coffer === null || invitationExpiresAt === undefined
      ? {}
      : { conferenceOffer: { toAgentId: f.cto, offerId: f.coffer, expiresAt: invitationExpiresAt, ...(f.creason === null ? {} : { reason: f.creason }) } }),
    ...(guests.length === 0 ? {} : { conferenceAgentIds: guests }),
    messageCount: requiredNumber(f.count, what('count')),
    firstMessage: data.firstMessage,
    classification: data.classification,
    updatedAt: requiredNumber(f.updated, what('updated')),
    ...(completedAt === undefined ? {} : { completedAt }),
  };
}

/** `values` is AGENT_FIELDS followed by the agent's score in the available set. */
export function parseAgent(agentId: string, values: NullableStrings): AgentRecord {
  const f: Record<AgentFieldName, string | null> = byName(AGENT_FIELDS, values);
  const what = (field: string): string => `agent ${agentId} ${field}`;
  if (!isOneOf<AgentState>(f.state, AGENT_STATES)) {
    throw new Error(`Corrupt routing record: ${what('state')} is ${String(f.state)}`);
  }
  const idleSince = optionalNumber(values[AGENT_FIELDS.length], what('idle score'));
  const capPublic = optionalNumber(f['cap.public'], what('cap.public'));
  const capDm = optionalNumber(f['cap.dm'], what('cap.dm'));
  const wrapUpUntil = optionalNumber(f.wrapuntil, what('wrapuntil'));
  return {
    agentId,
    state: f.state,
    capacity: requiredNumber(f.cap, what('cap')),
    load: requiredNumber(f.load ?? '0', what('load')),
    ...(capPublic === undefined || capDm === undefined ? {} : { capacityByChannel: { public: capPublic, dm: capDm } }),
    loadByChannel: {
      public: requiredNumber(f['load.public'] ?? '0', what('load.public')),
      dm: requiredNumber(f['load.dm'] ?? '0', what('load.dm')),
    },
    skills: parseStringArray(f.skills, what('skills')),
    stateSince: requiredNumber(f.since, what('since')),
    ...(f.reason === null ? {} : { reason: f.reason }),
    ...(wrapUpUntil === undefined ? {} : { wrapUpUntil }),
    ...(idleSince === undefined ? {} : { idleSince }),
  };
}
