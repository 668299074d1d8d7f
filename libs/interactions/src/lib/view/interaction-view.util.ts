import {
  type ClassificationCorrectedPayload,
  type InboundMessage,
  type InteractionLifecyclePayload,
  type OutboundCompletedPayload,
  type OutboundKind,
} from '@perch/contracts';
import { assertUnreachable } from '@perch/platform';

import {
  type AbandonedWork,
  type AgentActionEntry,
  type ClassificationCorrection,
  type ClassificationCorrectionUpdate,
  type CustomerMessageEntry,
  type InteractionCompletion,
  type InteractionHeaderUpdate,
  type InteractionView,
  type InteractionViewState,
  type TranscriptEntry,
} from './interaction-view.types';

// Pure projection rules, shared by every InteractionStore adapter and by the gateway's push path, so
// that "what an event does to a view" is written once.

/** What a routing event does to the interaction's header. */
export function headerUpdateFromLifecycle(
  payload: InteractionLifecyclePayload,
  at: number,
  correlationId: string,
): InteractionHeaderUpdate {
  const base: InteractionHeaderUpdate = {
    interactionId: payload.interactionId,
    conversationKey: payload.conversationKey,
    brandAccountId: payload.brandAccountId,
    correlationId,
    priority: payload.priority,
    at,
    ...(payload.message === undefined ? {} : { firstMessage: payload.message }),
    ...(payload.classification === undefined ? {} : { classification: payload.classification }),
  };
  const nobody = { agentId: null, offerId: null, offerExpiresAt: null };
  switch (payload.type) {
    // No state of its own: a new interaction starts as 'created' (applyHeaderUpdate, the store's insert), and a 'created'
    // read after a later step (two router replicas relaying one interaction, ADR 35) does not take it back there.
    case 'created':
      return base;
    case 'queued':
      return { ...base, state: 'queued', assignment: nobody };
    // A transfer offered, declined or timed out changes no state: the holder keeps it (an 'accepted' moves it). Nor do a
    // conference's invitations and guests (the guests are the router's record).
    // A widened requirement (ADR 0017) changes who may be offered it, not where it is.
    case 'message-added':
    case 'requirement-widened':
    case 'transfer-offered':
    case 'transfer-declined':
    case 'transfer-timed-out':
    case 'conference-offered':
    case 'conference-joined':
    case 'conference-declined':
    case 'conference-timed-out':
    case 'conference-left':
      return base;
    // The holder handed over to a guest: the guest holds it now, as after an accepted transfer.
    case 'conference-handed-over':
      return { ...base, state: 'active', assignment: { agentId: payload.agentId ?? null, offerId: null, offerExpiresAt: null } };
    case 'offered':
      return {
        ...base,
        state: 'offered',
        assignment: {
          agentId: payload.agentId ?? null,
          offerId: payload.offerId ?? null,
          offerExpiresAt: payload.offerExpiresAt ?? null,
        },
      };
    case 'accepted':
      return { ...base, state: 'active', assignment: { agentId: payload.agentId ?? null, offerId: null, offerExpiresAt: null } };
    // A transfer to the queue, like a decline: the view (transcript, notes) stays with the interaction and follows
    // its next holder.
    case 'declined':
    case 'offer-timed-out':
    case 'transferred':
      // The router takes the interaction back and offers it elsewhere.
      return { ...base, state: 'queued', assignment: nobody };
    case 'completed': {
      // Older routers sent the disposition only as `reason`.
      const disposition = payload.disposition ?? payload.reason;
      const completion: InteractionCompletion = {
        agentId: payload.agentId ?? null,
        at,
        ...(disposition === undefined ? {} : { disposition }),
        ...(payload.note === undefined ? {} : { note: payload.note }),
      };
      return { ...base, state: 'completed', completion };
    }
    default:
      return assertUnreachable(payload.type);
  }
}

/** The customer message a routing event carries, as a transcript entry (none for most events). */
export function customerEntryFromLifecycle(payload: InteractionLifecyclePayload): CustomerMessageEntry | null {
  if (payload.message === undefined) return null;
  if (payload.type !== 'created' && payload.type !== 'message-added' && payload.type !== 'offered') return null;
  const entry = customerEntryFromMessage(payload.message);
  // Kept with the message, so an agent can correct the labels of any message, not only the first.
  return payload.classification === undefined ? entry : { ...entry, classification: payload.classification };
}

export function customerEntryFromMessage(message: InboundMessage): CustomerMessageEntry {
  const createdAt = Date.parse(message.createdAt);
  return {
    kind: 'customer-message',
    entryId: `msg:${message.messageId}`,
    at: Number.isFinite(createdAt) ? createdAt : message.receivedAt,
    messageId: message.messageId,
    messageKind: message.kind,
    text: message.text,
    authorId: message.author.id,
    authorUsername: message.author.username,
    authorName: message.author.name,
    createdAt: message.createdAt,
    receivedAt: message.receivedAt,
    ...(message.inReplyToTweetId === undefined ? {} : { inReplyToTweetId: message.inReplyToTweetId }),
    mentions: [...message.mentions],
  };
}

/** An action the gateway has asked the outbound worker to carry out; X has not answered yet. */
export function pendingActionEntry(input: {
  commandId: string;
  action: OutboundKind;
  agentId: string;
  text?: string;
  inReplyToTweetId?: string;
  participantId?: string;
  requestedAt: number;
}): AgentActionEntry {
  return {
    kind: 'agent-action',
    entryId: `cmd:${input.commandId}`,
    at: input.requestedAt,
    commandId: input.commandId,
    action: input.action,
    agentId: input.agentId,
    status: 'pending',
    ...definedOnly({ text: input.text, inReplyToTweetId: input.inReplyToTweetId, participantId: input.participantId }),
  };
}

/** X's answer to an action, as a transcript entry. */
export function actionEntryFromCompleted(payload: OutboundCompletedPayload): AgentActionEntry {
  return {
    kind: 'agent-action',
    entryId: `cmd:${payload.commandId}`,
    at: payload.completedAt,
    commandId: payload.commandId,
    action: payload.kind,
    agentId: payload.agentId,
    status: payload.status,
    ...definedOnly({
      text: payload.text,
      tweetId: payload.tweetId,
      inReplyToTweetId: payload.inReplyToTweetId,
      dmEventId: payload.dmEventId,
      participantId: payload.participantId,
      following: payload.following,
      pendingFollow: payload.pendingFollow,
      retryAt: payload.status === 'waiting' ? payload.retryAt : undefined,
    }),
    ...(payload.failure === undefined
      ? {}
      : {
          failure: {
            code: payload.failure.code,
            detail: payload.failure.detail,
            ...(payload.failure.httpStatus === undefined ? {} : { httpStatus: payload.failure.httpStatus }),
          },
        }),
    completedAt: payload.completedAt,
  };
}

/** Drops undefined members, so optional fields stay absent (exactOptionalPropertyTypes) rather than undefined. */
function definedOnly<T extends Record<string, unknown>>(record: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/**
 * -1 for an action the gateway asked for, 0 for one X made wait, 1 for anything final: an entry is never
 * replaced by a less advanced one, whatever the arrival order. (Rows stored before 'waiting' existed hold 0
 * for pending; a waiting entry may replace those, which is right.)
 */
export function entryRank(entry: TranscriptEntry): number {
  if (entry.kind !== 'agent-action') return 1;
  return entry.status === 'pending' ? -1 : entry.status === 'waiting' ? 0 : 1;
}

/**
 * Merges a redelivered or later version of an entry into the stored one. Final beats pending whatever
 * the arrival order; the stored ordering key stays, so a reply keeps its place when X confirms it.
 */
export function mergeEntry(existing: TranscriptEntry | undefined, incoming: TranscriptEntry): TranscriptEntry {
  if (existing === undefined) return incoming;
  if (entryRank(incoming) < entryRank(existing)) return existing;
  return { ...incoming, at: existing.at };
}

export function compareEntries(a: TranscriptEntry, b: TranscriptEntry): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0;
}

/** Applies a header update to a view (or creates the view). Completed is terminal: replays never reopen it. */
export function applyHeaderUpdate(view: InteractionView | null, update: InteractionHeaderUpdate): InteractionView {
  const current: InteractionView = view ?? {
    id: update.interactionId,
    conversationKey: update.conversationKey,
    brandAccountId: update.brandAccountId,
    correlationId: update.correlationId,
    priority: update.priority,
    state: 'created',
    agentId: null,
    offerId: null,
    offerExpiresAt: null,
    firstMessage: null,
    classification: null,
    classificationCorrection: null,
    completion: null,
    transcript: [],
    createdAt: update.at,
    updatedAt: update.at,
  };
  const terminal = current.state === 'completed';
  const state: InteractionViewState = terminal ? current.state : (update.state ?? current.state);
  const assignment = terminal || update.assignment === undefined ? undefined : update.assignment;
  return {
    ...current,
    conversationKey: update.conversationKey,
    brandAccountId: update.brandAccountId,
    priority: update.priority,
    state,
    ...(assignment === undefined
      ? {}
      : { agentId: assignment.agentId, offerId: assignment.offerId, offerExpiresAt: assignment.offerExpiresAt }),
    firstMessage: current.firstMessage ?? update.firstMessage ?? null,
    classification: current.classification ?? update.classification ?? null,
    completion: current.completion ?? update.completion ?? null,
    createdAt: Math.min(current.createdAt, update.at),
    updatedAt: Math.max(current.updatedAt, update.at),
  };
}

/** Merges entries into a view's transcript, keeping it ordered. */
export function applyEntries(view: InteractionView, entries: readonly TranscriptEntry[]): InteractionView {
  if (entries.length === 0) return view;
  const byId = new Map(view.transcript.map((entry) => [entry.entryId, entry]));
  for (const entry of entries) byId.set(entry.entryId, mergeEntry(byId.get(entry.entryId), entry));
  return { ...view, transcript: [...byId.values()].sort(compareEntries) };
}

/**
 * Combines two header updates for the same interaction, in arrival order, into one with the same
 * effect: lets a batching adapter write one row per interaction per flush.
 */
export function combineHeaderUpdates(first: InteractionHeaderUpdate, second: InteractionHeaderUpdate): InteractionHeaderUpdate {
  const completed = first.state === 'completed';
  const state = completed ? first.state : (second.state ?? first.state);
  const assignment = completed ? first.assignment : (second.assignment ?? first.assignment);
  const firstMessage = first.firstMessage ?? second.firstMessage;
  const classification = first.classification ?? second.classification;
  const completion = first.completion ?? second.completion;
  return {
    interactionId: second.interactionId,
    conversationKey: second.conversationKey,
    brandAccountId: second.brandAccountId,
    correlationId: first.correlationId,
    priority: second.priority,
    at: Math.max(first.at, second.at),
    ...(state === undefined ? {} : { state }),
    ...(assignment === undefined ? {} : { assignment }),
    ...(firstMessage === undefined ? {} : { firstMessage }),
    ...(classification === undefined ? {} : { classification }),
    ...(completion === undefined ? {} : { completion }),
  };
}

/** The customer's latest public tweet in the conversation: what a reply answers. */
export function latestCustomerTweet(view: InteractionView): CustomerMessageEntry | null {
  let latest: CustomerMessageEntry | null = null;
  for (const entry of view.transcript) {
    if (entry.kind !== 'customer-message' || entry.messageKind === 'dm') continue;
    if (latest === null || compareEntries(latest, entry) <= 0) latest = entry;
  }
  return latest;
}

/** One routing event applied to a view in memory: what the projector would write, without the write. */
export function applyLifecycleToView(
  view: InteractionView | null,
  payload: InteractionLifecyclePayload,
  at: number,
  correlationId: string,
): InteractionView {
  const next = applyHeaderUpdate(view, headerUpdateFromLifecycle(payload, at, correlationId));
  const entry = customerEntryFromLifecycle(payload);
  return entry ? applyEntries(next, [entry]) : next;
}

/** What a classification.corrected.v1 event does to a view (if it names the interaction's first message). */
export function correctionUpdateFromEvent(payload: ClassificationCorrectedPayload): ClassificationCorrectionUpdate {
  return {
    interactionId: payload.interactionId,
    messageId: payload.messageId,
    correction: {
      ...definedOnly({ sentiment: payload.corrected.sentiment, actionability: payload.corrected.actionability }),
      agentId: payload.agentId,
      at: payload.correctedAt,
      correctionId: payload.correctionId,
    },
  };
}

/** Corrections are ordered by time, then id (so two made in the same millisecond still have an order). */
export function isLaterCorrection(a: ClassificationCorrection, b: ClassificationCorrection): boolean {
  if (a.at !== b.at) return a.at > b.at;
  return a.correctionId > b.correctionId;
}

/**
 * Merges a correction into the stored one: for each label the later correction that names it wins, and
 * the identity (agentId, at, correctionId) is the later one's. Applying a correction again changes nothing,
 * and two corrections give the same result in either order; so redeliveries and two writers (the projector
 * and the push path, each reading the interaction's partition in order) cannot disagree. (Three or more
 * arriving out of time order, e.g. from replicas with skewed clocks, could keep an older label: per-label
 * times would close that gap.)
 */
export function mergeClassificationCorrection(
  existing: ClassificationCorrection | null,
  incoming: ClassificationCorrection,
): ClassificationCorrection {
  if (existing === null) return { ...incoming };
  const [older, newer] = isLaterCorrection(incoming, existing) ? [existing, incoming] : [incoming, existing];
  return { ...older, ...newer };
}

/** Applies a correction to a view; a correction of another message than the first leaves the view as it is. */
export function applyClassificationCorrection(view: InteractionView, update: ClassificationCorrectionUpdate): InteractionView {
  if (view.firstMessage?.messageId !== update.messageId) return view;
  return { ...view, classificationCorrection: mergeClassificationCorrection(view.classificationCorrection, update.correction) };
}

/**
 * An open interaction closed as abandoned work: completed by nobody, with the note; whoever held it (an active
 * interaction's agent) stays, so it shows in their history, and an offer ends. A completed view is returned as it is.
 */
export function abandonView(view: InteractionView, work: AbandonedWork): InteractionView {
  if (view.state === 'completed') return view;
  return {
    ...view,
    state: 'completed',
    agentId: view.state === 'active' ? view.agentId : null,
    offerId: null,
    offerExpiresAt: null,
    completion: { agentId: null, at: work.at, note: work.note },
    updatedAt: Math.max(view.updatedAt, work.at),
  };
}

/** An action X never answered (pending or waiting), failed as abandoned work; any other entry is returned as it is. */
export function abandonEntry(entry: TranscriptEntry, work: AbandonedWork): TranscriptEntry {
  if (entry.kind !== 'agent-action' || (entry.status !== 'pending' && entry.status !== 'waiting')) return entry;
  const { retryAt: _gone, ...rest } = entry;
  return { ...rest, status: 'failed', failure: { ...work.failure }, completedAt: work.at };
}
