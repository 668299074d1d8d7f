import { decodeTweetText } from '../model/tweet-tokenizer.util';

const URL = /(https?:\/\/|www\.)\S+/gi;
const MENTION = /@\w+/g;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const NUMBER = /\p{N}+/gu;

/**
 * The key SOURCE.md asks to deduplicate by: lower-cased, @mentions and URLs replaced, punctuation stripped.
 * Retweets and re-posts of one tweet with another link or handle get the same key.
 */
export function normalisedTextKey(text: string): string {
  return decodeTweetText(text)
    .toLowerCase()
    .replace(URL, ' url ')
    .replace(MENTION, ' user ')
    .replace(NOT_LETTER_OR_DIGIT, ' ')
    .trim();
}

/**
 * A coarser key for grouping near-duplicates into the same cross-validation fold: also drops numbers, the
 * "rt" marker, the user and url placeholders, and keeps the first 60 characters (re-posts often differ only at
 * the truncated end).
 */
export function nearDuplicateKey(text: string): string {
  return normalisedTextKey(text)
    .replace(NUMBER, ' ')
    .replace(/\b(rt|user|url)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60);
}
