import type { CustomerMessageEntry, InteractionView } from '@perch/desktop-api';
// The package's browser (ESM) build exports one default object.
import twitterText from 'twitter-text';

// What the composer will send, computed as the gateway computes it (libs/outbound's ReplyComposer, libs/gateway's
// reply and participants rules): the mentions put in front, reply-all's included, and X's weighted length of the
// whole text by twitter-text. The preview and the counter show this, so they show what will be posted.

export const MAX_WEIGHTED_LENGTH = 280;
export const MAX_DM_LENGTH = 10_000;

// A run of @mentions at the very start (X's reply prefix). ＠ is X's full-width at sign.
const LEADING_MENTIONS = /^(?:[@＠][A-Za-z0-9_]{1,15}(?![A-Za-z0-9_@＠])\s*)+/;
const MENTION = /[@＠]([A-Za-z0-9_]{1,15})/g;

export interface ComposedText {
  /** The text as it will be sent. */
  text: string;
  /** The mentions put in front of what was typed, without '@'. */
  inserted: string[];
  /** Mentions the agent typed at the start already (not inserted again). */
  typedMentions: string[];
  /** X's weighted length (replies, posts) or characters (DMs). */
  length: number;
  max: number;
}

/** The customer tweet a public reply answers: the latest one that is not a DM (none in a DM-only conversation). */
export function latestCustomerTweet(view: InteractionView): CustomerMessageEntry | null {
  let latest: CustomerMessageEntry | null = null;
  for (const entry of view.transcript) {
    if (entry.kind !== 'customer-message' || entry.messageKind === 'dm') continue;
    if (latest === null || latest.at < entry.at || (latest.at === entry.at && latest.entryId <= entry.entryId)) latest = entry;
  }
  return latest;
}

/** Reply-all's others: every customer message's author and the people it mentioned, in transcript order. */
export function threadParticipants(view: InteractionView): string[] {
  const names: string[] = [];
  for (const entry of view.transcript) {
    if (entry.kind !== 'customer-message') continue;
    names.push(entry.authorUsername, ...entry.mentions);
  }
  return names;
}

/** The public reply as the gateway will post it: `replyTo` and (reply-all) `others` in front unless typed, brand never. */
export function composeReply(input: { typed: string; replyTo: string; others?: readonly string[]; brandUsername?: string }): ComposedText {
  const typed = input.typed.trim();
  const leading = LEADING_MENTIONS.exec(typed)?.[0] ?? '';
  const typedMentions = [...leading.matchAll(MENTION)].map((match) => match[1] ?? '');
  const present = new Set(typedMentions.map((name) => name.toLowerCase()));
  const brand = input.brandUsername?.toLowerCase();
  const inserted: string[] = [];
  for (const name of [input.replyTo, ...(input.others ?? [])]) {
    const username = name.replace(/^[@＠]/, '');
    const key = username.toLowerCase();
    if (username === '' || key === brand || present.has(key)) continue;
    present.add(key);
    inserted.push(username);
  }
  const text = [...inserted.map((username) => `@${username}`), typed].join(' ');
  return { text, inserted, typedMentions, length: weightedLength(text), max: MAX_WEIGHTED_LENGTH };
}

/** A reply for this interaction, or null where there is no tweet to reply to (a DM-only conversation). */
export function composeReplyFor(view: InteractionView, typed: string, replyAll: boolean): ComposedText | null {
  const target = latestCustomerTweet(view);
  if (!target) return null;
  return composeReply({
    typed,
    replyTo: target.authorUsername,
    others: replyAll ? threadParticipants(view) : [],
    brandUsername: view.firstMessage?.brandUsername,
  });
}

/** A DM: sent as typed (trimmed), counted in characters. */
export function composeDm(typed: string): ComposedText {
  const text = typed.trim();
  return { text, inserted: [], typedMentions: [], length: [...text].length, max: MAX_DM_LENGTH };
}

/** A new post: X's tweet rule, no mention put in front. */
export function composePost(typed: string): ComposedText {
  const text = typed.trim();
  return { text, inserted: [], typedMentions: [], length: weightedLength(text), max: MAX_WEIGHTED_LENGTH };
}

/** X's weighted length (URLs 23, emoji and CJK 2), by twitter-text as the gateway checks it. */
export function weightedLength(text: string): number {
  return text === '' ? 0 : twitterText.parseTweet(text).weightedLength;
}

/** The counter's words for screen readers. */
export function remainingLabel(composed: Pick<ComposedText, 'length' | 'max'>): string {
  const over = composed.length - composed.max;
  return over > 0 ? `${over} characters too many` : `${-over} characters left`;
}
