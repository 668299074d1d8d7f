import { parseTweet } from 'twitter-text';

export const MAX_WEIGHTED_LENGTH = 280;
/** X's limit for a direct message, in characters (DMs are not weighted). */
export const MAX_DM_LENGTH = 10_000;

export interface ComposeReplyInput {
  /** What the agent typed. */
  text: string;
  /** Username (without '@') of the author of the tweet being answered: always mentioned. */
  replyTo: string;
  /** Reply-all: the thread's other participants, mentioned after the author. */
  others?: readonly string[];
  /** The brand account's own username, never mentioned. */
  brandUsername?: string;
}

export type ReplyRefusalCode = 'empty' | 'too-long' | 'invalid-characters';

export interface ReplyRefusal {
  code: ReplyRefusalCode;
  /** Shown to the agent as is. */
  message: string;
  weightedLength: number;
  maxWeightedLength: number;
  /** For 'too-long': how many weighted characters to cut. */
  overBy?: number;
}

export interface ComposedReply {
  ok: true;
  /** The text as it will be posted. */
  text: string;
  /** Mentions the composer put in front of the agent's text, without '@'. */
  insertedMentions: string[];
  weightedLength: number;
  remaining: number;
}

export type ComposeReplyResult = ComposedReply | { ok: false; refusal: ReplyRefusal };

// A run of @mentions at the very start (X's reply prefix). ＠ is X's full-width at sign.
const LEADING_MENTIONS = /^(?:[@＠][A-Za-z0-9_]{1,15}(?![A-Za-z0-9_@＠])\s*)+/;
const MENTION = /[@＠]([A-Za-z0-9_]{1,15})/g;

/**
 * Builds the public reply text: the author's @mention (and, for reply-all, the thread's others) is put
 * in front unless the agent already started with it, then X's rule is applied with twitter-text:
 * 1..280 weighted characters, URLs 23, emoji 2, CJK 2. Leading mentions are counted, although X
 * may not count auto-populated ones: Perch sends them as text, so they count.
 */
export class ReplyComposer {
  /** A new post from a brand account: X's tweet rule, with no mention put in front. */
  composePost(text: string): ComposeReplyResult {
    return this.compose({ text, replyTo: '' }, 'post');
  }

  /** A direct message: not weighted, 1..10,000 characters, sent as typed (trimmed). */
  composeDm(text: string): ComposeReplyResult {
    const typed = text.trim();
    const length = [...typed].length;
    if (typed === '') return refuse('empty', 'Write a message: the text is empty.', 0, undefined, MAX_DM_LENGTH);
    if (length > MAX_DM_LENGTH) {
      const overBy = length - MAX_DM_LENGTH;
      return refuse('too-long', `The message is too long by ${overBy} characters: ${length} of ${MAX_DM_LENGTH}.`, length, overBy, MAX_DM_LENGTH);
    }
    return { ok: true, text: typed, insertedMentions: [], weightedLength: length, remaining: MAX_DM_LENGTH - length };
  }

  compose(input: ComposeReplyInput, noun: 'reply' | 'post' = 'reply'): ComposeReplyResult {
    const typed = input.text.trim();
    const leading = LEADING_MENTIONS.exec(typed)?.[0] ?? '';
    const present = new Set([...leading.matchAll(MENTION)].map((match) => (match[1] ?? '').toLowerCase()));
    const body = typed.slice(leading.length).trim();

    const brand = input.brandUsername?.toLowerCase();
    const wanted: string[] = [];
    for (const name of [input.replyTo, ...(input.others ?? [])]) {
      const username = name.replace(/^[@＠]/, '');
      const key = username.toLowerCase();
      if (username === '' || key === brand || present.has(key)) continue;
      present.add(key);
      wanted.push(username);
    }
    const text = [...wanted.map((username) => `@${username}`), typed].join(' ');
    const parsed = parseTweet(text);

    if (body === '') {
      return refuse('empty', noun === 'reply' ? 'Write a reply: the text after the @mentions is empty.' : 'Write a post: the text is empty.', parsed.weightedLength);
    }
    if (parsed.weightedLength > MAX_WEIGHTED_LENGTH) {
      const overBy = parsed.weightedLength - MAX_WEIGHTED_LENGTH;
      return refuse(
        'too-long',
        `The ${noun} is too long by ${overBy} character${overBy === 1 ? '' : 's'}: ${parsed.weightedLength} of ${MAX_WEIGHTED_LENGTH} weighted characters${noun === 'reply' ? ', @mentions included' : ''}.`,
        parsed.weightedLength,
        overBy,
      );
    }
    if (!parsed.valid) {
      return refuse('invalid-characters', `The ${noun} contains characters X does not accept.`, parsed.weightedLength);
    }
    return {
      ok: true,
      text,
      insertedMentions: wanted,
      weightedLength: parsed.weightedLength,
      remaining: MAX_WEIGHTED_LENGTH - parsed.weightedLength,
    };
  }
}

function refuse(
  code: ReplyRefusalCode,
  message: string,
  weightedLength: number,
  overBy?: number,
  maxWeightedLength = MAX_WEIGHTED_LENGTH,
): ComposeReplyResult {
  return {
    ok: false,
    refusal: {
      code,
      message,
      weightedLength,
      maxWeightedLength,
      ...(overBy === undefined ? {} : { overBy }),
    },
  };
}
