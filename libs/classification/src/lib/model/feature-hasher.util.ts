import afinnLabels from 'sentiment/languages/en/labels.json';
import emojiLabels from 'sentiment/build/emoji.json';

import {
  TOKEN_EMOJI,
  TOKEN_EMOTICON,
  TOKEN_HASHTAG,
  TOKEN_PUNCT,
  TOKEN_WORD,
  TweetTokenizer,
} from './tweet-tokenizer.util';
import { VADER_COMPOUND_ALPHA, VADER_NEGATION_SCALAR, vaderLexicon } from './vader-lexicon.util';

/**
 * Dense features from the VADER lexicon: `off`; `all` opinion tokens VADER knows; or `afinn-gaps`, only the tokens
 * AFINN has no score for (slang, emoticons, words AFINN lacks).
 */
export type VaderMode = 'off' | 'all' | 'afinn-gaps';

/** What the extractor emits; stored in the model file so inference hashes exactly as training did. */
export interface FeatureSettings {
  /** Longest word n-gram (1 = unigrams only, 2 = uni+bigrams, 3 = up to trigrams). */
  wordNgrams: number;
  /** Character n-grams within word boundaries, charMin..charMax; charMax 0 turns them off. */
  charMin: number;
  charMax: number;
  /** Weight of one character n-gram relative to one word n-gram before L2 normalisation. */
  charScale: number;
  /** Mark words after a negator so "not good" and "good" land in different buckets. */
  negation: boolean;
  /** Append the dense lexicon and style features. */
  dense: boolean;
  /** Bigrams with the start and the end of the text ("<s> <user>" = addressed to someone, "? </s>"). */
  boundaries: boolean;
  /** Append the VADER dense features (only with `dense`); absent in model files before perch-linear@1.1.0 = off. */
  vader?: VaderMode;
}

export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = {
  wordNgrams: 2,
  charMin: 2,
  charMax: 5,
  charScale: 0.5,
  negation: true,
  dense: true,
  boundaries: true,
  vader: 'off',
};

/** Names of the AFINN and style dense features, in order; also how explanations name them. */
export const DENSE_FEATURES = [
  'positive words (AFINN sum)',
  'negative words (AFINN sum)',
  'positive words (AFINN count)',
  'negative words (AFINN count)',
  'strongest positive word (AFINN)',
  'strongest negative word (AFINN)',
  'last opinion word positive (AFINN)',
  'last opinion word negative (AFINN)',
  'negated opinion words',
  'positive emoji',
  'negative emoji',
  'positive emoticons',
  'negative emoticons',
  'words in capitals',
  'elongated words',
] as const;
export const DENSE_COUNT = DENSE_FEATURES.length;

/** Names of the VADER dense features, appended after DENSE_FEATURES when `vader` is on. */
export const VADER_DENSE_FEATURES = [
  'positive words (VADER sum)',
  'negative words (VADER sum)',
  'positive words (VADER count)',
  'negative words (VADER count)',
  'strongest positive word (VADER)',
  'strongest negative word (VADER)',
  'last opinion word positive (VADER)',
  'last opinion word negative (VADER)',
  'overall valence (VADER compound)',
  'positive words in capitals (VADER)',
  'negative words in capitals (VADER)',
] as const;

/** The dense features a model with these settings reads, in order (the width of its dense weights). */
export function denseFeatureNames(settings: FeatureSettings): readonly string[] {
  return vaderOn(settings) ? [...DENSE_FEATURES, ...VADER_DENSE_FEATURES] : DENSE_FEATURES;
}

function vaderOn(settings: FeatureSettings): boolean {
  return settings.vader !== undefined && settings.vader !== 'off';
}

// Namespaces keep a word, a bigram and a character n-gram with the same letters apart.
const SEED_WORD = 0x811c9dc5;
const SEED_BIGRAM = 0x2f6b1d3b;
const SEED_TRIGRAM = 0x5bd1e995;
const SEED_CHAR = 0x1b873593;
const NEGATED = 0x68e31da4;
const TEXT_START = 0x3c733e00;
const TEXT_END = 0x3c2f733e;
const FNV_PRIME = 0x01000193;
/** Stands for the word boundary in character n-grams (a code unit that never occurs in a token). */
const BOUNDARY = 0x1;
/** Longer tokens (glued hashtags, keyboard mashing) add little beyond their first characters. */
const MAX_CHAR_SPAN = 24;

/** Murmur3's finaliser: spreads FNV's low-entropy low bits over all 32 bits before masking to a bucket. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units. Stable across platforms and releases: committed weights depend on it. */
export function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let k = 0; k < text.length; k++) {
    h = Math.imul(h ^ text.charCodeAt(k), FNV_PRIME);
  }
  return h >>> 0;
}

/** The bucket-independent hash of one word n-gram feature; the extractor's hot loop computes the same inline. */
export function hashWordFeature(tokens: readonly string[], negated = false): number {
  if (tokens.length === 1) return mix32(fnv1a(tokens[0], SEED_WORD) ^ (negated ? NEGATED : 0));
  const raw = tokens.map((t) => fnv1a(t, SEED_WORD));
  return combine(raw, tokens.length === 2 ? SEED_BIGRAM : SEED_TRIGRAM);
}

function combine(raw: readonly number[], seed: number): number {
  let h = seed;
  for (const r of raw) h = Math.imul(h ^ r, FNV_PRIME) ^ (r >>> 15);
  return mix32(h);
}

const AFINN: ReadonlyMap<string, number> = new Map(
  Object.entries(afinnLabels as Record<string, number>).filter(([word]) => !word.includes(' ')),
);
const EMOJI_SENTIMENT: ReadonlyMap<string, number> = new Map(Object.entries(emojiLabels as Record<string, number>));
/** The canonical emoticons of the tokeniser that carry a clear polarity. */
const EMOTICON_POLARITY: ReadonlyMap<string, number> = new Map([
  [':)', 1], [':d', 1], [';)', 1], ['<3', 1], [':p', 1], ['^^', 1], [':*', 1], [":')", 1],
  [':(', -1], [":'(", -1], ['</3', -1], [':/', -1], ['-_-', -1], [':@', -1], [':|', -1],
]);

/**
 * Turns one text into hashed sparse features (32-bit hashes, values, and the "unit" each came from for
 * explanations) plus a few dense features. One instance is reused for every text: the arrays grow once and
 * stay, so the hot path allocates only the token strings.
 */
export class FeatureExtractor {
  readonly tokenizer = new TweetTokenizer();
  hashes = new Uint32Array(512);
  values = new Float32Array(512);
  /** Which token (0..n-1) or word n-gram (n + start, 2n + start) a feature came from. */
  units = new Int32Array(512);
  count = 0;
  readonly denseNames: readonly string[];
  readonly dense: Float32Array;
  private tokenHashes = new Uint32Array(64);
  /** Null unless the settings use VADER; loading it reads the lexicon file once per process. */
  private readonly vader: ReadonlyMap<string, number> | null;
  private readonly vaderGapsOnly: boolean;

  constructor(readonly settings: FeatureSettings) {
    this.denseNames = denseFeatureNames(settings);
    this.dense = new Float32Array(this.denseNames.length);
    this.vader = vaderOn(settings) && settings.dense ? vaderLexicon() : null;
    this.vaderGapsOnly = settings.vader === 'afinn-gaps';
  }

  extract(text: string): number {
    const s = this.settings;
    const tok = this.tokenizer;
    const n = tok.run(text);
    this.count = 0;
    if (this.tokenHashes.length < n) this.tokenHashes = new Uint32Array(n * 2);
    const raw = this.tokenHashes;
    let wordFeatures = 0;
    let charFeatures = 0;
    let afinnPos = 0;
    let afinnNeg = 0;
    let posWords = 0;
    let negWords = 0;
    let maxPos = 0;
    let maxNeg = 0;
    let last = 0;
    let negatedOpinions = 0;
    let emojiPos = 0;
    let emojiNeg = 0;
    let emoticonPos = 0;
    let emoticonNeg = 0;
    // VADER valences, negated ones flipped and damped as VADER does. VADER's degree-adverb, capitals and "but"
    // rules were tried and measured no better on dev (docs/classifier.md), so they are left out.
    const vader = this.vader;
    // Capitals stress an opinion word only when the text mixes capitals with lower case (VADER's rule).
    const capsStress = vader !== null && tok.capsWords > 0 && tok.capsWords < tok.wordCount;
    let vPos = 0;
    let vNeg = 0;
    let vPosWords = 0;
    let vNegWords = 0;
    let vMaxPos = 0;
    let vMaxNeg = 0;
    let vLast = 0;
    let vCapsPos = 0;
    let vCapsNeg = 0;

    for (let t = 0; t < n; t++) {
      const token = tok.tokens[t];
      const kind = tok.kinds[t];
      const negated = s.negation && tok.negated[t] === 1;
      const h = fnv1a(token, SEED_WORD);
      raw[t] = h;
      this.emit(mix32(h ^ (negated ? NEGATED : 0)), 1, t);
      wordFeatures++;

      if (kind === TOKEN_WORD || kind === TOKEN_HASHTAG || kind === TOKEN_EMOTICON) {
        if (vader !== null) {
          let valence = vader.get(token);
          if (valence !== undefined && !(this.vaderGapsOnly && kind !== TOKEN_EMOTICON && AFINN.has(token))) {
            if (negated) valence *= VADER_NEGATION_SCALAR;
            const caps = capsStress && tok.caps[t] === 1;
            if (valence > 0) {
              vPos += valence;
              vPosWords++;
              if (valence > vMaxPos) vMaxPos = valence;
              if (caps) vCapsPos++;
            } else if (valence < 0) {
              vNeg -= valence;
              vNegWords++;
              if (-valence > vMaxNeg) vMaxNeg = -valence;
              if (caps) vCapsNeg++;
            }
            if (valence !== 0) vLast = valence;
          }
        }
      }
      if (kind === TOKEN_WORD || kind === TOKEN_HASHTAG) {
        if (s.dense) {
          const score = AFINN.get(token);
          if (score !== undefined) {
            // A negated opinion word leans the other way, but weaker ("not bad" is no praise).
            const signed = negated ? -score * 0.5 : score;
            if (negated) negatedOpinions++;
            if (signed > 0) {
              afinnPos += signed;
              posWords++;
              if (signed > maxPos) maxPos = signed;
            } else {
              afinnNeg -= signed;
              negWords++;
              if (-signed > maxNeg) maxNeg = -signed;
            }
            last = signed;
          }
        }
        if (s.charMax > 0) charFeatures += this.emitCharNgrams(token, t);
      } else if (kind === TOKEN_EMOJI && s.dense) {
        const score = EMOJI_SENTIMENT.get(token);
        if (score !== undefined) {
          if (score > 0) emojiPos += score;
          else emojiNeg -= score;
        }
      } else if (kind === TOKEN_EMOTICON && s.dense) {
        const polarity = EMOTICON_POLARITY.get(token) ?? 0;
        if (polarity > 0) emoticonPos++;
        else if (polarity < 0) emoticonNeg++;
      }
    }
    if (s.wordNgrams >= 2) {
      for (let t = 0; t + 1 < n; t++) {
        // Bigrams do not span a full stop: the two words belong to different sentences.
        if (tok.kinds[t] === TOKEN_PUNCT && tok.tokens[t] === '.') continue;
        let h = Math.imul(SEED_BIGRAM ^ raw[t], FNV_PRIME) ^ (raw[t] >>> 15);
        h = Math.imul(h ^ raw[t + 1], FNV_PRIME) ^ (raw[t + 1] >>> 15);
        this.emit(mix32(h), 1, n + t);
        wordFeatures++;
      }
    }
    if (s.boundaries && n > 0) {
      // Credited to the first and last token in explanations.
      let h = Math.imul(SEED_BIGRAM ^ TEXT_START, FNV_PRIME) ^ (TEXT_START >>> 15);
      h = Math.imul(h ^ raw[0], FNV_PRIME) ^ (raw[0] >>> 15);
      this.emit(mix32(h), 1, 0);
      h = Math.imul(SEED_BIGRAM ^ raw[n - 1], FNV_PRIME) ^ (raw[n - 1] >>> 15);
      h = Math.imul(h ^ TEXT_END, FNV_PRIME) ^ (TEXT_END >>> 15);
      this.emit(mix32(h), 1, n - 1);
      wordFeatures += 2;
    }
    if (s.wordNgrams >= 3) {
      for (let t = 0; t + 2 < n; t++) {
        let h = Math.imul(SEED_TRIGRAM ^ raw[t], FNV_PRIME) ^ (raw[t] >>> 15);
        h = Math.imul(h ^ raw[t + 1], FNV_PRIME) ^ (raw[t + 1] >>> 15);
        h = Math.imul(h ^ raw[t + 2], FNV_PRIME) ^ (raw[t + 2] >>> 15);
        this.emit(mix32(h), 1, 2 * n + t);
        wordFeatures++;
      }
    }

    // L2-normalise so long and short tweets speak equally loud; character n-grams get their own group weight.
    const count = this.count;
    const charScale = s.charScale;
    const norm = Math.sqrt(wordFeatures + charFeatures * charScale * charScale) || 1;
    const wordValue = 1 / norm;
    const charValue = charScale / norm;
    const values = this.values;
    for (let f = 0; f < count; f++) values[f] = values[f] === 1 ? wordValue : charValue;

    const dense = this.dense;
    if (s.dense) {
      dense[0] = Math.log1p(afinnPos) / 2;
      dense[1] = Math.log1p(afinnNeg) / 2;
      dense[2] = Math.min(posWords, 4) / 4;
      dense[3] = Math.min(negWords, 4) / 4;
      dense[4] = maxPos / 5;
      dense[5] = maxNeg / 5;
      dense[6] = last > 0 ? last / 5 : 0;
      dense[7] = last < 0 ? -last / 5 : 0;
      dense[8] = Math.min(negatedOpinions, 2) / 2;
      dense[9] = Math.log1p(emojiPos) / 2;
      dense[10] = Math.log1p(emojiNeg) / 2;
      dense[11] = Math.min(emoticonPos, 2) / 2;
      dense[12] = Math.min(emoticonNeg, 2) / 2;
      dense[13] = Math.min(tok.capsWords, 3) / 3;
      dense[14] = Math.min(tok.elongatedWords, 2) / 2;
      if (vader !== null) {
        // Scaled like the AFINN block (VADER's valences run to ±4, AFINN's to ±5).
        dense[15] = Math.log1p(vPos) / 2;
        dense[16] = Math.log1p(vNeg) / 2;
        dense[17] = Math.min(vPosWords, 4) / 4;
        dense[18] = Math.min(vNegWords, 4) / 4;
        dense[19] = vMaxPos / 4;
        dense[20] = vMaxNeg / 4;
        dense[21] = vLast > 0 ? vLast / 4 : 0;
        dense[22] = vLast < 0 ? -vLast / 4 : 0;
        const net = vPos - vNeg;
        dense[23] = net / Math.sqrt(net * net + VADER_COMPOUND_ALPHA);
        dense[24] = Math.min(vCapsPos, 2) / 2;
        dense[25] = Math.min(vCapsNeg, 2) / 2;
      }
    } else {
      dense.fill(0);
    }
    return count;
  }

  /** A readable name for a unit of the last extracted text, for the features shown to agents. */
  describeUnit(unit: number): string {
    const tok = this.tokenizer;
    const n = tok.length;
    if (unit < n) return tok.negated[unit] === 1 && this.settings.negation ? `${tok.tokens[unit]} (negated)` : tok.tokens[unit];
    if (unit < 2 * n) return `${tok.tokens[unit - n]} ${tok.tokens[unit - n + 1]}`;
    const t = unit - 2 * n;
    return `${tok.tokens[t]} ${tok.tokens[t + 1]} ${tok.tokens[t + 2]}`;
  }

  private emitCharNgrams(token: string, unit: number): number {
    const { charMin, charMax } = this.settings;
    const len = Math.min(token.length, MAX_CHAR_SPAN);
    // Padded sequence: BOUNDARY, token[0..len-1], BOUNDARY (the end boundary only if the token was not cut).
    const padded = len + (token.length > MAX_CHAR_SPAN ? 1 : 2);
    let emitted = 0;
    for (let start = 0; start < padded; start++) {
      let h = SEED_CHAR;
      for (let k = 0; k < charMax && start + k < padded; k++) {
        const at = start + k;
        const c = at === 0 || at === len + 1 ? BOUNDARY : token.charCodeAt(at - 1);
        h = Math.imul(h ^ c, FNV_PRIME);
        if (k + 1 >= charMin) {
          // Skip the n-gram that is the whole padded word: the unigram already says it.
          if (start === 0 && at === padded - 1) continue;
          this.emit(mix32(h ^ (k + 1)), 0, unit);
          emitted++;
        }
      }
    }
    return emitted;
  }

  private emit(hash: number, isWord: number, unit: number): void {
    const at = this.count;
    if (at === this.hashes.length) this.grow();
    this.hashes[at] = hash;
    // Temporarily 1 for word features and 0 for character n-grams; extract() replaces both by normalised values.
    this.values[at] = isWord;
    this.units[at] = unit;
    this.count = at + 1;
  }

  private grow(): void {
    const size = this.hashes.length * 2;
    const hashes = new Uint32Array(size);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const values = new Float32Array(size);
    values.set(this.values);
    this.values = values;
    const units = new Int32Array(size);
    units.set(this.units);
    this.units = units;
  }
}
