import { chance, createRandom, intBetween, pick, weighted, weightTable, type Random } from './prng.util';
import {
  ANGRY_EMOJI,
  CHAT_EMOJI,
  CHITCHAT,
  CHITCHAT_OPENERS,
  CHITCHAT_TAILS,
  COMPLAINT_CLOSERS,
  COMPLAINT_OPENERS,
  COMPLAINT_TOPICS,
  FOLLOWUPS,
  HAPPY_EMOJI,
  PRAISE,
  PRAISE_OPENERS,
  PRAISE_TAILS,
  QUESTION_CLOSERS,
  QUESTION_OPENERS,
  QUESTIONS,
  SLOT_VALUES,
  type TweetCategory,
} from './tweet-templates.constants';

export type { TweetCategory } from './tweet-templates.constants';

/** Relative weights of the first-tweet categories ("followup" is for replies in existing threads). */
export type TweetMix = Partial<Record<Exclude<TweetCategory, 'followup'>, number>>;

export const DEFAULT_MIX: Required<TweetMix> = { complaint: 0.45, question: 0.25, praise: 0.15, chitchat: 0.15 };

export interface GeneratedTweet {
  text: string;
  category: TweetCategory;
  /** Complaint topic (late-order, billing, outage, ...) when the category is complaint. */
  topic?: string;
}

const MAX_LENGTH = 280;

function fill(template: string, random: Random, brand: string): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'order':
        return `#${intBetween(random, 100000, 99999999)}`;
      case 'amount':
        return `$${intBetween(random, 4, 480)}.${String(intBetween(random, 0, 99)).padStart(2, '0')}`;
      case 'days':
        return String(intBetween(random, 2, 21));
      case 'hours':
        return String(intBetween(random, 2, 30));
      case 'minutes':
        return String(pick(random, [5, 10, 15, 20, 25, 35, 40, 45, 50, 55, 70, 90]));
      case 'count':
        return String(intBetween(random, 3, 9));
      case 'years':
        return String(intBetween(random, 2, 15));
      case 'code':
        return `${pick(random, ['SAVE', 'SPRING', 'WELCOME', 'VIP', 'TKT'])}${intBetween(random, 10, 9999)}`;
      case 'brand_name':
        return brand.replace(/_?(support|help|care|cares)$/i, '') || brand;
      default: {
        const values = (SLOT_VALUES as Record<string, readonly string[]>)[slot];
        return values ? pick(random, values) : `{${slot}}`;
      }
    }
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Joins sentence-like parts, adding a full stop only where the previous part has no punctuation. */
function sentences(parts: readonly string[], random: Random): string {
  const out: string[] = [];
  for (const part of parts) {
    // The previous part as it ends up after punctuating it; undefined for the first part.
    let prev = out.at(-1);
    if (prev !== undefined && !/[.!?,:]$/.test(prev)) {
      prev += pick(random, ['.', '.', '!', '', ',']);
      out[out.length - 1] = prev;
    }
    out.push(prev !== undefined && /[.!?]$/.test(prev) ? capitalise(part) : part);
  }
  return out.join(' ');
}

function complaint(random: Random): { body: string; topic: string; opener?: string } {
  const topic = pick(random, COMPLAINT_TOPICS);
  const parts = [pick(random, topic.issues)];
  if (chance(random, 0.55)) parts.push(pick(random, topic.details));
  if (chance(random, 0.65)) parts.push(pick(random, COMPLAINT_CLOSERS));
  let body = sentences(parts, random);
  if (chance(random, 0.35)) body += ` ${pick(random, ANGRY_EMOJI)}`;
  if (chance(random, 0.08)) body += pick(random, ['!!', '??', '!!!']);
  return { body, topic: topic.topic, opener: chance(random, 0.35) ? pick(random, COMPLAINT_OPENERS) : undefined };
}

function question(random: Random): { body: string; opener?: string } {
  const parts = [pick(random, QUESTIONS)];
  if (chance(random, 0.45)) parts.push(pick(random, QUESTION_CLOSERS));
  return { body: sentences(parts, random), opener: chance(random, 0.4) ? pick(random, QUESTION_OPENERS) : undefined };
}

function praise(random: Random): { body: string; opener?: string } {
  const parts = [pick(random, PRAISE)];
  if (chance(random, 0.6)) parts.push(pick(random, PRAISE_TAILS));
  let body = sentences(parts, random);
  if (chance(random, 0.6)) body += ` ${pick(random, HAPPY_EMOJI)}`;
  return { body, opener: chance(random, 0.4) ? pick(random, PRAISE_OPENERS) : undefined };
}

function chitchat(random: Random): { body: string; opener?: string } {
  const parts = [pick(random, CHITCHAT)];
  if (chance(random, 0.4)) parts.push(pick(random, CHITCHAT_TAILS));
  let body = sentences(parts, random);
  if (chance(random, 0.45)) body += ` ${pick(random, CHAT_EMOJI)}`;
  return { body, opener: chance(random, 0.35) ? pick(random, CHITCHAT_OPENERS) : undefined };
}

const FOLLOWUP_EMOJI = [...ANGRY_EMOJI, ...HAPPY_EMOJI];

function followup(random: Random): { body: string } {
  let body = pick(random, FOLLOWUPS);
  if (chance(random, 0.3)) body += ` ${pick(random, FOLLOWUP_EMOJI)}`;
  return { body };
}

/** Places the brand mention: leading (most common on X), after a greeting, or trailing. */
function withMention(body: string, opener: string | undefined, mention: string, random: Random): string {
  const roll = random();
  if (opener && roll < 0.5) return `${opener} ${mention} ${body}`;
  if (roll < 0.65) return `${opener ? `${capitalise(opener)} ` : ''}${capitalise(body)} ${mention}`;
  return `${mention} ${opener ? `${opener} ` : ''}${body}`;
}

/**
 * Composes one customer tweet of `category` mentioning @brand, from the PRNG state. Deterministic for
 * a given PRNG sequence; always within 280 weighted characters (ASCII + emoji fragments only).
 */
export function composeTweet(random: Random, brand: string, category: TweetCategory): GeneratedTweet {
  const mention = `@${brand}`;
  let body: string;
  let opener: string | undefined;
  let topic: string | undefined;
  switch (category) {
    case 'complaint':
      ({ body, topic, opener } = complaint(random));
      break;
    case 'question':
      ({ body, opener } = question(random));
      break;
    case 'praise':
      ({ body, opener } = praise(random));
      break;
    case 'chitchat':
      ({ body, opener } = chitchat(random));
      break;
    case 'followup':
      ({ body } = followup(random));
      break;
  }
  body = fill(body, random, brand);
  let text = withMention(body, opener, mention, random);
  // Some people type everything in lower case.
  if (chance(random, 0.2)) text = text.replace(/(^|\s)([A-Z][a-z])/g, (_, s: string, w: string) => s + w.toLowerCase());
  if (text.length > MAX_LENGTH) text = `${mention} ${body}`.slice(0, MAX_LENGTH);
  return topic ? { text, category, topic } : { text, category };
}

export interface GenerateOptions {
  count: number;
  brand: string;
  seed?: string | number;
  mix?: TweetMix;
  /** Share of "followup" texts (replies in a thread). Default 0. */
  followupRatio?: number;
}

/** N tweets, deterministic for the same options: tests and benchmarks replay identical traffic. */
export function generateTweets(options: GenerateOptions): GeneratedTweet[] {
  const random = createRandom(options.seed ?? 'perch');
  const mix = weightTable({ ...DEFAULT_MIX, ...options.mix });
  const out: GeneratedTweet[] = [];
  for (let i = 0; i < options.count; i++) {
    const category: TweetCategory =
      options.followupRatio && chance(random, options.followupRatio) ? 'followup' : weighted(random, mix);
    out.push(composeTweet(random, options.brand, category));
  }
  return out;
}

/** Just the texts of generateTweets. */
export function generateTweetTexts(options: GenerateOptions): string[] {
  return generateTweets(options).map((t) => t.text);
}
