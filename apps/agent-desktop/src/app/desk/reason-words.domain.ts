// The classifier's reasons (Classification.sentimentFeatures / actionabilityFeatures) in the words of the tweet. The
// trained model reports normalised tokens with their weight ("<user> (+0.24)", "<num>", "<s> where", "refund
// (negated)"); the lexicon model reports words. An agent reads the tweet's own words instead: a mention, a number
// and a link as written, the start and end of the text dropped, weights dropped, duplicates once.

const WEIGHT = /\s*\([+-]?\d+(?:\.\d+)?\)\s*$/;
const NEGATED = /\s*\(negated\)\s*$/;
/** The lexicons behind the model's counted features ("negative words (AFINN sum)"): not words of the tweet. */
const LEXICON = /\s*\((?:AFINN|VADER)[^)]*\)/g;
const PUNCTUATION: Readonly<Record<string, string>> = { '?': 'a question mark', '!': 'an exclamation mark', '…': 'an ellipsis' };
const BOUNDARIES = new Set(['<s>', '</s>']);
/** What the model says when nothing weighed: not a reason to show. */
const NOTHING = new Set(['no strong features', 'no words']);

/** The reasons to show, in words of `text` (the tweet), most weighty first, at most `max`. */
export function reasonWords(features: readonly string[], text: string, max = 5): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const feature of features) {
    const phrase = readable(feature, text);
    if (!phrase) continue;
    const key = phrase.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(phrase);
    if (out.length === max) break;
  }
  return out;
}

/** The "Why" line: the sentiment's reasons, then the actionability's. */
export function whyLine(classification: { sentimentFeatures: readonly string[]; actionabilityFeatures: readonly string[] } | null, text: string): string {
  if (!classification) return '';
  const words = reasonWords([...classification.sentimentFeatures, ...classification.actionabilityFeatures], text);
  return words.length ? `Why: ${words.join(', ')}` : '';
}

function readable(feature: string, text: string): string | null {
  let phrase = feature.replace(WEIGHT, '').replace(LEXICON, '').trim();
  if (NOTHING.has(phrase.toLowerCase())) return null;
  const negated = NEGATED.test(phrase);
  phrase = phrase.replace(NEGATED, '').trim();
  const tokens = phrase.split(/\s+/).filter((token) => token !== '' && !BOUNDARIES.has(token));
  if (tokens.length === 0) return null;
  const words: string[] = [];
  for (const token of tokens) {
    const word = wordOf(token, text);
    if (word === null) return null;
    words.push(word);
  }
  const joined = words.length === 1 && PUNCTUATION[words[0] ?? ''] ? (PUNCTUATION[words[0] ?? ''] ?? '') : words.join(' ').replace(/\s+([?!.,])/g, '$1');
  return negated ? `not ${joined}` : joined;
}

/** A token as the tweet wrote it: placeholders by the first thing of their kind, words in the tweet's own case. */
function wordOf(token: string, text: string): string | null {
  switch (token) {
    case '<user>':
      return /[@＠][A-Za-z0-9_]{1,15}/.exec(text)?.[0] ?? null;
    case '<num>':
      return /(?<![\p{L}\p{N}_])\d+(?:[.,:]\d+)*(?![\p{L}\p{N}_])/u.exec(text)?.[0] ?? null;
    case '<url>':
      return 'a link';
    default:
      if (/^<[^>]+>$/.test(token)) return null;
      return findWord(token, text) ?? token;
  }
}

function findWord(token: string, text: string): string | null {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').exec(text)?.[0] ?? null;
}
