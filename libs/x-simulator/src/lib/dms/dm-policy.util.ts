import type { SimUser } from '../state/simulator-state.types';

/** X's cap on a direct message's text, in characters. */
export const DM_MAX_LENGTH = 10_000;

/** What the DM rule needs to know about the follow graph. */
export interface FollowGraph {
  isFollowing(followerId: string, targetId: string): boolean;
}

/**
 * X lets `sender` write to `recipient` when the recipient follows the sender or accepts messages from
 * everyone (the "receives your DM" setting). Blocks are not modelled.
 */
export function canSendDm(graph: FollowGraph, sender: SimUser, recipient: SimUser): boolean {
  return recipient.receivesYourDm || graph.isFollowing(recipient.id, sender.id);
}

export type DmTextVerdict = { ok: true; text: string } | { ok: false; reason: 'missing' | 'empty' | 'too-long'; message: string };

/** The body rules of POST .../messages for text-only messages (the simulator has no media). */
export function checkDmText(text: unknown): DmTextVerdict {
  if (typeof text !== 'string') return { ok: false, reason: 'missing', message: '$.text: is missing but it is required' };
  if (text.length === 0) return { ok: false, reason: 'empty', message: '$.text: must be at least 1 characters long' };
  if (codePoints(text) > DM_MAX_LENGTH) {
    return { ok: false, reason: 'too-long', message: `$.text: must be at most ${DM_MAX_LENGTH} characters long` };
  }
  return { ok: true, text };
}

/** X's id for a one-to-one conversation: both user ids, numerically smaller first, joined by "-". */
export function oneToOneConversationId(a: string, b: string): string {
  return BigInt(a) <= BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
}

/** The two participants of a one-to-one conversation id, or undefined for any other id. */
export function participantsOf(conversationId: string): [string, string] | undefined {
  const ids = conversationId.split('-');
  const [a, b] = ids;
  return ids.length === 2 && a !== undefined && b !== undefined && /^\d{1,19}$/.test(a) && /^\d{1,19}$/.test(b) ? [a, b] : undefined;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
