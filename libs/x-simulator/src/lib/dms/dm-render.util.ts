import type { FieldSelection } from '../http/field-selection.util';
import type { SimDmEvent, SimUser } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';
import { renderUser, type UserWire } from '../users/user-render.util';

/** X's v2 DmEvent object with the fields the simulator renders. */
export interface DmEventWire {
  id: string;
  event_type: 'MessageCreate';
  text: string;
  sender_id?: string;
  dm_conversation_id?: string;
  created_at?: string;
  participant_ids?: string[];
  entities?: {
    mentions?: { start: number; end: number; username: string; id?: string }[];
    hashtags?: { start: number; end: number; tag: string }[];
  };
}

/** Defaults are id, event_type and text for MessageCreate events, as on X. */
export function renderDmEvent(event: SimDmEvent, fields: ReadonlySet<string>): DmEventWire {
  const out: DmEventWire = { id: event.id, event_type: event.eventType, text: event.text };
  if (fields.size === 0) return out;
  if (fields.has('sender_id')) out.sender_id = event.senderId;
  if (fields.has('dm_conversation_id')) out.dm_conversation_id = event.conversationId;
  if (fields.has('created_at')) out.created_at = event.createdAt;
  if (fields.has('participant_ids')) out.participant_ids = [...event.participantIds];
  if (fields.has('entities') && (event.mentions.length > 0 || event.hashtags.length > 0)) {
    out.entities = {};
    if (event.mentions.length > 0) out.entities.mentions = event.mentions;
    if (event.hashtags.length > 0) out.entities.hashtags = event.hashtags;
  }
  // attachments and referenced_tweets are valid fields, but simulated DMs never carry media or tweet links.
  return out;
}

/** includes.users for the sender_id / participant_ids expansions, rendered relative to the caller. */
export function dmIncludes(
  events: readonly SimDmEvent[],
  selection: FieldSelection,
  store: SimulatorStore,
  viewer: SimUser,
): { users: UserWire[] } | undefined {
  const e = selection.expansions;
  if (!e.has('sender_id') && !e.has('participant_ids')) return undefined;
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  };
  for (const event of events) {
    if (e.has('sender_id')) add(event.senderId);
    if (e.has('participant_ids')) event.participantIds.forEach(add);
  }
  const users = ids.map((id) => store.userById(id)).filter((u): u is SimUser => u !== undefined);
  return users.length > 0 ? { users: users.map((u) => renderUser(u, selection, store, viewer)) } : undefined;
}
