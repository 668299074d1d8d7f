import { parseTweet } from 'twitter-text';

import type { SimTweet, SimUser } from '../state/simulator-state.types';

export const MAX_WEIGHTED_LENGTH = 280;

export type TextVerdict =
  | { ok: true; weightedLength: number }
  | { ok: false; reason: 'empty' | 'invalid-characters' | 'too-long'; weightedLength: number };

/**
 * X counts text with twitter-text's weighted length (URLs 23, emoji and CJK 2). Auto-populated reply
 * mentions are not part of `text` here, so they do not count, as on X.
 */
export function checkTweetText(text: string): TextVerdict {
  if (text.trim().length === 0) return { ok: false, reason: 'empty', weightedLength: 0 };
  const parsed = parseTweet(text);
  if (parsed.weightedLength > MAX_WEIGHTED_LENGTH) {
    return { ok: false, reason: 'too-long', weightedLength: parsed.weightedLength };
  }
  if (!parsed.valid) return { ok: false, reason: 'invalid-characters', weightedLength: parsed.weightedLength };
  return { ok: true, weightedLength: parsed.weightedLength };
}

/** Same author, same full text, among their recent tweets (X refuses these with "duplicate content"). */
export function isDuplicateContent(
  recent: readonly Pick<SimTweet, 'text' | 'createdAtMs'>[],
  text: string,
  nowMs: number,
  windowMs = 24 * 60 * 60 * 1000,
): boolean {
  return recent.some((t) => t.text === text && nowMs - t.createdAtMs < windowMs);
}

/**
 * Self-serve tiers (since Feb 2026): a programmatic reply is allowed only when the author of the post
 * replied to @mentioned the replying account or quoted one of its posts. Replying in your own thread
 * is always allowed.
 */
export function replyAllowed(
  parent: Pick<SimTweet, 'authorId' | 'mentions' | 'quotedTweetId'>,
  replier: Pick<SimUser, 'id'>,
  quotedAuthorId: string | undefined,
): boolean {
  if (parent.authorId === replier.id) return true;
  if (parent.mentions.some((m) => m.id === replier.id)) return true;
  return parent.quotedTweetId !== undefined && quotedAuthorId === replier.id;
}
