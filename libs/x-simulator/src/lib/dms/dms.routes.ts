import { parseDmEventSelection } from '../http/field-selection.util';
import { DM_NOT_ALLOWED_DETAIL, forbidden, invalidRequest, notFoundProblem, resourceNotFound } from '../http/problems.util';
import { decodeCursor, encodeCursor, isRecord, ParameterProblems } from '../http/request-values.util';
import { callerOf, ok, pathParam, problemResult, type RouteContext, type RouteDefinition, type RouteResult } from '../http/route.types';
import type { SimDmEvent, SimUser } from '../state/simulator-state.types';
import { canSendDm, checkDmText, oneToOneConversationId, participantsOf } from './dm-policy.util';
import { dmIncludes, renderDmEvent } from './dm-render.util';

/** Wording unconfirmed: X documents only that non-participants are refused. */
const NOT_A_PARTICIPANT_DETAIL = 'You are not a participant in this conversation.';

/** POST /2/dm_conversations/with/:participant_id/messages and its conversation-id twin. */
function sendMessage(ctx: RouteContext, recipientId: string, parameter: string): RouteResult {
  const { store, counters } = ctx.runtime;
  const sender = callerOf(ctx);
  const problems = new ParameterProblems();
  problems.pathId(parameter, recipientId);
  if (!isRecord(ctx.body)) problems.add('body', '', 'Request body must be a JSON object');
  else if (ctx.body['attachments'] !== undefined) {
    problems.add('attachments', JSON.stringify(ctx.body['attachments']), '$.attachments: the simulator has no media, so no media_id exists');
  }
  const verdict = checkDmText(isRecord(ctx.body) ? ctx.body['text'] : undefined);
  if (!verdict.ok) {
    const raw = isRecord(ctx.body) ? ctx.body['text'] : undefined;
    problems.add('text', typeof raw === 'string' ? raw.slice(0, 100) : String(raw), verdict.message);
  }
  if (problems.any || !verdict.ok) return problemResult(400, invalidRequest(problems.list));

  const recipient = store.userById(recipientId);
  if (!recipient) return problemResult(404, notFoundProblem('user', parameter, recipientId));
  if (recipient.id === sender.id) {
    return problemResult(400, invalidRequest([{ parameter, value: recipientId, message: 'You cannot send a Direct Message to yourself.' }]));
  }
  if (!canSendDm(store, sender, recipient)) return problemResult(403, forbidden(DM_NOT_ALLOWED_DETAIL));
  const event = store.createDirectMessage({ senderId: sender.id, recipientId: recipient.id, text: verdict.text, origin: 'api' });
  counters.dmsByOrigin.api++;
  return ok({ data: { dm_conversation_id: event.conversationId, dm_event_id: event.id } }, 201);
}

type DmCursor = { direction: 'older' | 'newer'; id: bigint };

/** The events a lookup covers (oldest first), or the answer when the request cannot be served. */
type EventSource = { events: readonly SimDmEvent[] } | { refusal: RouteResult };

/**
 * Newest first. next_token pages to older events and previous_token to newer ones, as X's DM
 * lookups do; both are opaque cursors anchored on an event id, so new messages never shift a page.
 */
function listEvents(ctx: RouteContext, source: (caller: SimUser) => EventSource): RouteResult {
  const { store } = ctx.runtime;
  const caller = callerOf(ctx);
  const problems = new ParameterProblems();
  const maxResults = problems.int(ctx.query, 'max_results', 1, 100, 100);
  const token = ctx.query.get('pagination_token');
  let cursor: DmCursor | undefined;
  if (token !== null) {
    const decoded = decodeCursor('dm', token);
    const m = decoded === undefined ? null : /^(n|p):(\d{1,19})$/.exec(decoded);
    if (!m) problems.add('pagination_token', token, 'Invalid pagination token');
    else cursor = { direction: m[1] === 'n' ? 'older' : 'newer', id: BigInt(m[2]) };
  }
  const selected = parseDmEventSelection(ctx.query);
  if (!selected.ok) problems.list.push(...selected.problems);
  if (problems.any || !selected.ok) return problemResult(400, invalidRequest(problems.list));

  const found = source(caller);
  if ('refusal' in found) return found.refusal;
  const { eventTypes, dmEventFields, selection } = selected.value;
  // Every simulated event is a MessageCreate; a filter without it leaves nothing.
  const all = eventTypes === undefined || eventTypes.has('MessageCreate') ? found.events : [];

  const { page, hasOlder, hasNewer } = pageOf(all, maxResults, cursor);
  if (page.length === 0) return ok({ meta: { result_count: 0 } });
  const body: Record<string, unknown> = { data: page.map((e) => renderDmEvent(e, dmEventFields)) };
  const includes = dmIncludes(page, selection, store, caller);
  if (includes) body['includes'] = includes;
  const meta: Record<string, unknown> = { result_count: page.length };
  if (hasOlder) meta['next_token'] = encodeCursor('dm', `n:${page[page.length - 1].id}`);
  if (hasNewer) meta['previous_token'] = encodeCursor('dm', `p:${page[0].id}`);
  body['meta'] = meta;
  return ok(body);
}

/** One page, newest first, from events stored oldest first (ids only grow, so they are sorted). */
function pageOf(
  all: readonly SimDmEvent[],
  maxResults: number,
  cursor: DmCursor | undefined,
): { page: SimDmEvent[]; hasOlder: boolean; hasNewer: boolean } {
  const indexWhere = (test: (e: SimDmEvent) => boolean) => {
    const i = all.findIndex(test);
    return i === -1 ? all.length : i;
  };
  let start: number;
  let end: number;
  if (cursor?.direction === 'newer') {
    // The `maxResults` events just after the cursor.
    start = indexWhere((e) => e.idValue > cursor.id);
    end = Math.min(all.length, start + maxResults);
  } else {
    end = cursor ? indexWhere((e) => e.idValue >= cursor.id) : all.length;
    start = Math.max(0, end - maxResults);
  }
  return { page: all.slice(start, end).reverse(), hasOlder: start > 0, hasNewer: end < all.length };
}

function withParticipant(ctx: RouteContext): RouteResult {
  const { store, settings } = ctx.runtime;
  return listEvents(ctx, (caller) => {
    const problems = new ParameterProblems();
    const participantId = problems.pathId('participant_id', pathParam(ctx, 'participant_id'));
    if (problems.any) return { refusal: problemResult(400, invalidRequest(problems.list)) };
    const participant = store.userById(participantId);
    if (!participant) {
      const errors = [resourceNotFound('user', 'participant_id', participantId)];
      return { refusal: { status: settings.quirks.notFoundStatus, body: { errors } } };
    }
    if (caller.id === participant.id) return { events: [] };
    return { events: store.dmEventsInConversation(oneToOneConversationId(caller.id, participant.id)) };
  });
}

function inConversation(ctx: RouteContext): RouteResult {
  const { store } = ctx.runtime;
  return listEvents(ctx, (caller) => {
    const conversationId = pathParam(ctx, 'dm_conversation_id');
    if (!/^\d{1,19}(-\d{1,19})?$/.test(conversationId)) {
      const message = `The \`dm_conversation_id\` path parameter value [${conversationId}] does not match ^([0-9]{1,19}-[0-9]{1,19}|[0-9]{1,19})$`;
      return { refusal: problemResult(400, invalidRequest([{ parameter: 'dm_conversation_id', value: conversationId, message }])) };
    }
    const participants = participantsOf(conversationId);
    // Group conversations do not exist in the simulator: a plain numeric id has no events.
    if (!participants) return { events: [] };
    if (!participants.includes(caller.id)) return { refusal: problemResult(403, forbidden(NOT_A_PARTICIPANT_DETAIL)) };
    return { events: store.dmEventsInConversation(conversationId) };
  });
}

export const dmRoutes: RouteDefinition[] = [
  {
    method: 'POST',
    path: '/2/dm_conversations/with/:participant_id/messages',
    auth: 'user',
    rateLimit: 'dm.send',
    handle: (ctx) => sendMessage(ctx, pathParam(ctx, 'participant_id'), 'participant_id'),
  },
  {
    method: 'POST',
    path: '/2/dm_conversations/:dm_conversation_id/messages',
    auth: 'user',
    rateLimit: 'dm.send',
    handle: (ctx) => {
      // Only one-to-one conversations exist here, so this is a send to the other participant.
      const conversationId = pathParam(ctx, 'dm_conversation_id');
      const participants = participantsOf(conversationId);
      const caller = callerOf(ctx);
      if (!participants || !participants.includes(caller.id)) {
        return problemResult(403, forbidden(NOT_A_PARTICIPANT_DETAIL));
      }
      const other = participants[0] === caller.id ? participants[1] : participants[0];
      return sendMessage(ctx, other, 'dm_conversation_id');
    },
  },
  {
    method: 'GET',
    path: '/2/dm_events',
    auth: 'user',
    rateLimit: 'dm.lookup',
    handle: (ctx) => listEvents(ctx, (caller) => ({ events: ctx.runtime.store.dmEventsOf(caller.id) })),
  },
  { method: 'GET', path: '/2/dm_conversations/with/:participant_id/dm_events', auth: 'user', rateLimit: 'dm.lookup', handle: withParticipant },
  { method: 'GET', path: '/2/dm_conversations/:dm_conversation_id/dm_events', auth: 'user', rateLimit: 'dm.lookup', handle: inConversation },
];
