import { type Classification, type InboundMessage } from '@perch/contracts';

import { type Assignment } from '../../assignments/assignment-reader.port';
import { channelOf } from '../../priority.util';
import { AGENT_STATES, INTERACTION_STATES } from '../../routing.constants';
import {
  type AgentRecord,
  type AgentState,
  type ConferenceOffer,
  type InteractionRecord,
  type InteractionState,
  type TransferOffer,
} from '../../routing.types';
import { AGENT_FIELDS, ASSIGNMENT_FIELDS, INTERACTION_FIELDS } from './routing-fields.constants';
import { type NullableStrings, optionalNumber, requiredNumber } from './redis-reply.util';

/** The immutable part of an interaction, stored as one JSON field that Lua never parses. */
export interface InteractionData {
  brandAccountId: string;
  correlationId: string;
  firstMessage: InboundMessage;
  classification: Classification;
}

type InteractionFieldName = (typeof INTERACTION_FIELDS)[number];
type AssignmentFieldName = (typeof ASSIGNMENT_FIELDS)[number];
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

function interactionState(value: string | null, what: (name: string) => string): InteractionState {
  if (!isOneOf<InteractionState>(value, INTERACTION_STATES)) throw new Error(`Corrupt routing record: ${what('state')} is ${String(value)}`);
  return value;
}

/** Each field's place in a reply of INTERACTION_FIELDS, so a parse reads the reply in place. */
const INTERACTION_FIELD_AT = Object.fromEntries(INTERACTION_FIELDS.map((name, i) => [name, i])) as Record<InteractionFieldName, number>;

type TextKey = 'requiredSkill' | 'stickyAgentId' | 'overflowSkill' | 'agentId' | 'offerId';
type TimeKey = 'widenedAt' | 'stickyUntil' | 'overflowedAt' | 'offerExpiresAt' | 'completedAt';

/** Fields copied to the record as they are when set, and left out when not. */
const OPTIONAL_TEXTS: readonly (readonly [InteractionFieldName, TextKey])[] = [
  ['skill', 'requiredSkill'],
  ['sticky', 'stickyAgentId'],
  ['ovskill', 'overflowSkill'],
  ['agent', 'agentId'],
  ['offer', 'offerId'],
];
const OPTIONAL_TIMES: readonly (readonly [InteractionFieldName, TimeKey])[] = [
  ['widened', 'widenedAt'],
  ['stickyuntil', 'stickyUntil'],
  ['ovat', 'overflowedAt'],
  ['deadline', 'offerExpiresAt'],
  ['completed', 'completedAt'],
];

/** A pending transfer offer or invitation: its target, offer and deadline fields, and the reason or note when given. */
const PENDING_OFFER_FIELDS = {
  transfer: ['xto', 'xoffer', 'xdeadline', 'xreason'],
  conference: ['cto', 'coffer', 'cdeadline', 'creason'],
} as const satisfies Record<string, readonly [InteractionFieldName, InteractionFieldName, InteractionFieldName, InteractionFieldName]>;

/**
 * Parsed once per script reply and per outbox entry, several times per routed tweet in the router and the gateway: it
 * reads the reply by index and builds its error texts only on failure (a name-keyed copy of the ~40 fields and a text
 * per numeric field were a tenth of the router's allocations under bench:e2e).
 */
export function parseInteraction(interactionId: string, values: NullableStrings): InteractionRecord {
  const field = (name: InteractionFieldName): string | null => values[INTERACTION_FIELD_AT[name]] ?? null;
  const what = (name: string): string => `interaction ${interactionId} ${name}`;
  const state = interactionState(field('state'), what);
  const data = parseData(field('data'), interactionId);
  const record: InteractionRecord = {
    interactionId,
    conversationKey: field('conv') ?? data.firstMessage.conversationKey,
    brandAccountId: data.brandAccountId,
    correlationId: data.correlationId,
    state,
    priority: requiredNumber(field('prio'), what, 'prio'),
    createdAt: requiredNumber(field('created'), what, 'created'),
    declinedBy: [],
    messageCount: requiredNumber(field('count'), what, 'count'),
    firstMessage: data.firstMessage,
    classification: data.classification,
    updatedAt: requiredNumber(field('updated'), what, 'updated'),
  };
  for (const pair of OPTIONAL_TEXTS) {
    const value = field(pair[0]);
    if (value !== null) record[pair[1]] = value;
  }
  for (const pair of OPTIONAL_TIMES) {
    const value = optionalNumber(field(pair[0]), what, pair[0]);
    if (value !== undefined) record[pair[1]] = value;
  }
  const requiredLevel = optionalNumber(field('lvl'), what, 'lvl');
  if (requiredLevel !== undefined && requiredLevel > 1) record.requiredLevel = requiredLevel;
  const widenAt = optionalNumber(field('wat'), what, 'wat');
  if (widenAt !== undefined) {
    record.widenAt = widenAt;
    record.widenTo = field('wto') ?? '';
  }
  const declined = field('declined');
  if (declined !== null) {
    const { declinedBy, declinedUntil } = parseDeclines(declined, what('declined'));
    record.declinedBy = declinedBy;
    if (declinedUntil) record.declinedUntil = declinedUntil;
  }
  readPendingOffersAndGuests(record, field, what);
  return record;
}

/** Each field's place in a reply of ASSIGNMENT_FIELDS. */
const ASSIGNMENT_FIELD_AT = Object.fromEntries(ASSIGNMENT_FIELDS.map((name, i) => [name, i])) as Record<AssignmentFieldName, number>;

/**
 * An assignment from a reply of ASSIGNMENT_FIELDS, as `assignmentOfRecord(parseInteraction(...))` would make it from
 * the whole record (the Redis integration spec holds the two equal in every state): the gateway's holder check reads
 * this before every agent action, so it reads under half of the record.
 */
export function parseAssignment(interactionId: string, values: NullableStrings): Assignment {
  const field = (name: AssignmentFieldName): string | null => values[ASSIGNMENT_FIELD_AT[name]] ?? null;
  const what = (name: string): string => `interaction ${interactionId} ${name}`;
  const state = interactionState(field('state'), what);
  const data = parseData(field('data'), interactionId);
  const assignment: Assignment = { interactionId, state, correlationId: data.correlationId };
  const agentId = field('agent');
  if (agentId !== null) assignment.agentId = agentId;
  const offerId = field('offer');
  if (offerId !== null) assignment.offerId = offerId;
  const offerExpiresAt = optionalNumber(field('deadline'), what, 'deadline');
  if (offerExpiresAt !== undefined) assignment.offerExpiresAt = offerExpiresAt;
  readPendingOffersAndGuests(assignment, field, what);
  assignment.channel = channelOf(data.firstMessage);
  return assignment;
}

/** Both kinds are stored alike; one that gains a field of its own no longer fits here, and this stops compiling. */
type PendingOffer = TransferOffer & ConferenceOffer;
type PendingOfferField = (typeof PENDING_OFFER_FIELDS)[keyof typeof PENDING_OFFER_FIELDS][number];

/** A transfer offer or an invitation, when its target, offer and deadline are all set. */
function pendingOffer(
  field: (name: PendingOfferField) => string | null,
  what: (name: string) => string,
  [to, offer, deadline, reasonField]: (typeof PENDING_OFFER_FIELDS)[keyof typeof PENDING_OFFER_FIELDS],
): PendingOffer | undefined {
  const toAgentId = field(to);
  const offerId = field(offer);
  const expiresAt = optionalNumber(field(deadline), what, deadline);
  if (toAgentId === null || offerId === null || expiresAt === undefined) return undefined;
  const reason = field(reasonField);
  return reason === null ? { toAgentId, offerId, expiresAt } : { toAgentId, offerId, expiresAt, reason };
}

/** What a record and an assignment both hold of a pending transfer, a pending invitation and the conference's guests. */
interface PendingOffersAndGuests {
  transferOffer?: PendingOffer;
  conferenceOffer?: PendingOffer;
  conferenceAgentIds?: string[];
}

/** Sets on `target` the pending offers and guests that are there (left out when not): no object of its own per parse. */
function readPendingOffersAndGuests(
  target: PendingOffersAndGuests,
  field: (name: PendingOfferField | 'guests') => string | null,
  what: (name: string) => string,
): void {
  const transferOffer = pendingOffer(field, what, PENDING_OFFER_FIELDS.transfer);
  if (transferOffer) target.transferOffer = transferOffer;
  const conferenceOffer = pendingOffer(field, what, PENDING_OFFER_FIELDS.conference);
  if (conferenceOffer) target.conferenceOffer = conferenceOffer;
  const guests = field('guests');
  if (guests === null) return;
  const conferenceAgentIds = parseStringArray(guests, what('guests'));
  if (conferenceAgentIds.length > 0) target.conferenceAgentIds = conferenceAgentIds;
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
