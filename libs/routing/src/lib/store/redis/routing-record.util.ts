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

/** Each field's place in a reply of INTERACTION_FIELDS, so a parse reads the reply in place. */
const INTERACTION_FIELD_AT = Object.fromEntries(INTERACTION_FIELDS.map((name, i) => [name, i])) as Record<InteractionFieldName, number>;

/**
 * Parsed once per script reply and per outbox entry, several times per routed tweet in the router and the gateway: it
 * reads the reply by index and builds its error texts only on failure (a name-keyed copy of the ~40 fields and a text
 * per numeric field were a tenth of the router's allocations under bench:e2e).
 */
export function parseInteraction(interactionId: string, values: NullableStrings): InteractionRecord {
  const field = (name: InteractionFieldName): string | null => values[INTERACTION_FIELD_AT[name]] ?? null;
  const what = (name: string): string => `interaction ${interactionId} ${name}`;
  const optional = (name: InteractionFieldName): number | undefined => optionalNumber(field(name), () => what(name));
  const required = (name: InteractionFieldName): number => requiredNumber(field(name), () => what(name));
  const state = field('state');
  if (!isOneOf<InteractionState>(state, INTERACTION_STATES)) {
    throw new Error(`Corrupt routing record: ${what('state')} is ${String(state)}`);
  }
  const data = parseData(field('data'), interactionId);
  const record: InteractionRecord = {
    interactionId,
    conversationKey: field('conv') ?? data.firstMessage.conversationKey,
    brandAccountId: data.brandAccountId,
    correlationId: data.correlationId,
    state,
    priority: required('prio'),
    createdAt: required('created'),
    declinedBy: [],
    messageCount: required('count'),
    firstMessage: data.firstMessage,
    classification: data.classification,
    updatedAt: required('updated'),
  };
  const skill = field('skill');
  if (skill !== null) record.requiredSkill = skill;
  const requiredLevel = optional('lvl');
  if (requiredLevel !== undefined && requiredLevel > 1) record.requiredLevel = requiredLevel;
  const widenAt = optional('wat');
  if (widenAt !== undefined) {
    record.widenAt = widenAt;
    record.widenTo = field('wto') ?? '';
  }
  const widenedAt = optional('widened');
  if (widenedAt !== undefined) record.widenedAt = widenedAt;
  const sticky = field('sticky');
  if (sticky !== null) record.stickyAgentId = sticky;
  const stickyUntil = optional('stickyuntil');
  if (stickyUntil !== undefined) record.stickyUntil = stickyUntil;
  const overflowSkill = field('ovskill');
  if (overflowSkill !== null) record.overflowSkill = overflowSkill;
  const overflowedAt = optional('ovat');
  if (overflowedAt !== undefined) record.overflowedAt = overflowedAt;
  const agentId = field('agent');
  if (agentId !== null) record.agentId = agentId;
  const offerId = field('offer');
  if (offerId !== null) record.offerId = offerId;
  const offerExpiresAt = optional('deadline');
  if (offerExpiresAt !== undefined) record.offerExpiresAt = offerExpiresAt;
  const declined = field('declined');
  if (declined !== null) {
    const { declinedBy, declinedUntil } = parseDeclines(declined, what('declined'));
    record.declinedBy = declinedBy;
    if (declinedUntil) record.declinedUntil = declinedUntil;
  }
  const transferTo = field('xto');
  const transferOfferId = field('xoffer');
  const transferExpiresAt = optional('xdeadline');
  if (transferTo !== null && transferOfferId !== null && transferExpiresAt !== undefined) {
    const reason = field('xreason');
    record.transferOffer = { toAgentId: transferTo, offerId: transferOfferId, expiresAt: transferExpiresAt, ...(reason === null ? {} : { reason }) };
  }
  const inviteeId = field('cto');
  const invitationOfferId = field('coffer');
  const invitationExpiresAt = optional('cdeadline');
  if (inviteeId !== null && invitationOfferId !== null && invitationExpiresAt !== undefined) {
    const reason = field('creason');
    record.conferenceOffer = { toAgentId: inviteeId, offerId: invitationOfferId, expiresAt: invitationExpiresAt, ...(reason === null ? {} : { reason }) };
  }
  const guests = field('guests');
  if (guests !== null) {
    const conferenceAgentIds = parseStringArray(guests, what('guests'));
    if (conferenceAgentIds.length > 0) record.conferenceAgentIds = conferenceAgentIds;
  }
  const completedAt = optional('completed');
  if (completedAt !== undefined) record.completedAt = completedAt;
  return record;
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
