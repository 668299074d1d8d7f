/**
 * Tweet normalisation and tokenisation in one pass over the UTF-16 code units, written for speed: the classifier
 * runs it on every inbound message, so it avoids a regex per token and reuses its arrays between calls.
 *
 * Normalisation: lower-case; URLs → `<url>`; @mentions → `<user>`; numbers → `<num>`; letters repeated three
 * or more times cut to two ("soooo" → "soo"); emoticons mapped to a canonical form (":-))" → ":)"); each emoji
 * its own token; hashtags lose the '#'; runs of ! and ? become "!", "!!", "?", "??" or "?!"; word tokens after
 * a negator ("not", "never", "no", "...n't") are marked negated until the next punctuation.
 */

export const TOKEN_WORD = 0;
export const TOKEN_URL = 1;
export const TOKEN_USER = 2;
export const TOKEN_NUMBER = 3;
export const TOKEN_EMOTICON = 4;
export const TOKEN_EMOJI = 5;
export const TOKEN_PUNCT = 6;
export const TOKEN_HASHTAG = 7;

export type TokenKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface Token {
  text: string;
  kind: TokenKind;
  negated: boolean;
}

// Character classes for the whole BMP, computed once (~10 ms): one table lookup per character instead of a regex.
const CHAR_OTHER = 0;
const CHAR_LETTER = 1;
const CHAR_DIGIT = 2;
const CHAR_SPACE = 3;
const CHAR_CLASS = buildCharClasses();

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(65536);
  const letter = /[\p{L}\p{M}]/u;
  const digit = /\p{Nd}/u;
  const space = /\s/u;
  for (let code = 0; code < 65536; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const char = String.fromCharCode(code);
    if (letter.test(char)) table[code] = CHAR_LETTER;
    else if (digit.test(char)) table[code] = CHAR_DIGIT;
    else if (space.test(char)) table[code] = CHAR_SPACE;
  }
  table[0x5f] = CHAR_LETTER; // '_' joins words as in handles and hashtags
  return table;
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'cannot', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'without',
  'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'cant', 'couldnt', 'wouldnt', 'shouldnt',
  'wont', 'aint', 'havent', 'hasnt', 'hadnt', 'mustnt', 'neednt',
]);

/** Emoticons, longest first within each start character, mapped to one canonical token per meaning. */
const EMOTICONS: readonly (readonly [string, string])[] = [
  [":'-(", ":'("], [":'(", ":'("], [":')", ":')"],
  [':-)', ':)'], [':-]', ':)'], [':o)', ':)'], [':)', ':)'], [':]', ':)'], [':}', ':)'],
  [':-d', ':d'], [':d', ':d'],
  [':-(', ':('], [':-[', ':('], [':(', ':('], [':[', ':('], [':{', ':('],
  [':-p', ':p'], [':p', ':p'], [':-/', ':/'], [':/', ':/'], [':\\', ':/'], [':-|', ':|'], [':|', ':|'],
  [':-o', ':o'], [':o', ':o'], [':-*', ':*'], [':*', ':*'], [':$', ':$'], [':@', ':@'],
  [';-)', ';)'], [';)', ';)'], [';-d', ';)'], [';d', ';)'], [';p', ':p'], [';-p', ':p'],
  ['=)', ':)'], ['=]', ':)'], ['=d', ':d'], ['=(', ':('], ['=[', ':('], ['=p', ':p'], ['=/', ':/'],
  ['</3', '</3'], ['<3', '<3'],
  ['^_^', '^^'], ['^-^', '^^'], ['^^', '^^'],
  ['-_-', '-_-'],
  ['(:', ':)'], ['(;', ';)'],
  ['):', ':('],
];
const EMOTICON_START = new Set(EMOTICONS.map(([face]) => face.charCodeAt(0)));
const BOUNDARY_ONLY_FACE_START = new Set(['(', ')', '-', '^'].map((c) => c.charCodeAt(0)));

const HTML_ENTITY = /&(amp|lt|gt|quot|#39|nbsp);/g;
const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/g;

/** Undo the HTML entities X puts in tweet text and the literal "\u2019" escapes some published data sets carry. */
export function decodeTweetText(text: string): string {
  let out = text;
  if (out.indexOf('&') >= 0) out = out.replace(HTML_ENTITY, (_, name: string) => HTML_ENTITIES[name] ?? '');
  if (out.indexOf('\\u') >= 0) out = out.replace(UNICODE_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return out;
}

function isEmojiCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1f000 && cp <= 0x1faff) ||
    (cp >= 0x2600 && cp <= 0x27bf) ||
    (cp >= 0x2b00 && cp <= 0x2bff) ||
    (cp >= 0x2190 && cp <= 0x21ff) ||
    cp === 0x2122 || cp === 0x00a9 || cp === 0x00ae || cp === 0x203c || cp === 0x2049
  );
}

/** Modifiers that only decorate the emoji before them (skin tones, variation selectors, joiners). */
function isEmojiModifier(cp: number): boolean {
  return (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp === 0xfe0f || cp === 0xfe0e || cp === 0x200d || cp === 0x20e3;
}

function lower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/**
 * A reusable tokeniser: `run(text)` fills `tokens`, `kinds` and `negated` (valid up to `length`) and also counts
 * the style cues the dense features need (words in capitals, elongated words).
 */
export class TweetTokenizer {
  tokens: string[] = [];
  kinds = new Uint8Array(64);
  negated = new Uint8Array(64);
  /** 1 for a word written in capitals ("NEVER", 3+ letters), the per-token form of `capsWords`. */
  caps = new Uint8Array(64);
  length = 0;
  /** Words of 3+ letters written in capitals ("NEVER"), counted before lower-casing. */
  capsWords = 0;
  /** Words that had a letter repeated three or more times ("soooo"). */
  elongatedWords = 0;
  /** Word tokens (letters), the denominator for the language check. */
  wordCount = 0;
  /** Characters that are letters outside the Latin script, for the language check. */
  nonLatinLetters = 0;
  latinLetters = 0;

  run(raw: string): number {
    const text = decodeTweetText(raw);
    this.length = 0;
    this.capsWords = 0;
    this.elongatedWords = 0;
    this.wordCount = 0;
    this.nonLatinLetters = 0;
    this.latinLetters = 0;
    const n = text.length;
    let negating = false;
    let i = 0;
    while (i < n) {
      const code = text.charCodeAt(i);
      const cls = code < 65536 ? CHAR_CLASS[code] : CHAR_OTHER;
      const atBoundary = i === 0 || CHAR_CLASS[text.charCodeAt(i - 1)] === CHAR_SPACE;

      if (cls === CHAR_SPACE || isEmojiModifier(code)) {
        i++;
        continue;
      }
      // URLs
      if ((code === 104 || code === 72 || code === 119 || code === 87) && atBoundary) {
        const end = this.urlEnd(text, i);
        if (end > i) {
          this.push('<url>', TOKEN_URL, false);
          i = end;
          continue;
        }
      }
      // @mentions
      if (code === 64 && i + 1 < n && CHAR_CLASS[text.charCodeAt(i + 1)] !== CHAR_SPACE && isHandleChar(text.charCodeAt(i + 1))) {
        let j = i + 1;
        while (j < n && isHandleChar(text.charCodeAt(j))) j++;
        this.push('<user>', TOKEN_USER, false);
        i = j;
        continue;
      }
      // Emoticons (checked before punctuation: ":(" starts with ':'). Faces that start with a bracket or a dash
      // must stand alone, so "(see above):" is no sad face; "great:)" still is a smile.
      if (EMOTICON_START.has(code) && (atBoundary || !BOUNDARY_ONLY_FACE_START.has(code))) {
        const face = matchEmoticon(text, i);
        if (face !== undefined) {
          this.push(face[1], TOKEN_EMOTICON, false);
          negating = false;
          i += face[0].length;
          continue;
        }
      }
      // Hashtags: the tag is a word without its '#'
      if (code === 35 && i + 1 < n && (CHAR_CLASS[text.charCodeAt(i + 1)] === CHAR_LETTER || CHAR_CLASS[text.charCodeAt(i + 1)] === CHAR_DIGIT)) {
        const end = this.word(text, i + 1, TOKEN_HASHTAG, negating);
        i = end;
        continue;
      }
      if (cls === CHAR_LETTER || cls === CHAR_DIGIT) {
        const end = this.word(text, i, TOKEN_WORD, negating);
        const last = this.length - 1;
        if (this.kinds[last] === TOKEN_WORD && isNegator(this.tokens[last])) negating = true;
        i = end;
        continue;
      }
      // Emoji (astral code points come as surrogate pairs)
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
        const cp = text.codePointAt(i) ?? code;
        if (isEmojiCodePoint(cp) && !isEmojiModifier(cp)) {
          this.pushEmoji(String.fromCodePoint(cp));
        }
        i += 2;
        continue;
      }
      if (isEmojiCodePoint(code)) {
        this.pushEmoji(String.fromCharCode(code));
        i++;
        continue;
      }
      // Punctuation: ! and ? runs carry signal (emphasis, questions); . , ; : end a negation's scope.
      if (code === 33 || code === 63) {
        let bang = false;
        let question = false;
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === 33) bang = true;
          else if (c === 63) question = true;
          else if (c !== 0x20 || j + 1 >= n || (text.charCodeAt(j + 1) !== 33 && text.charCodeAt(j + 1) !== 63)) break;
        }
        const many = j - i > 1;
        this.push(bang && question ? '?!' : question ? (many ? '??' : '?') : many ? '!!' : '!', TOKEN_PUNCT, false);
        negating = false;
        i = j;
        continue;
      }
      if (code === 46 || code === 0x2026) {
        let j = i + 1;
        while (j < n && text.charCodeAt(j) === 46) j++;
        this.push(j - i > 1 || code === 0x2026 ? '...' : '.', TOKEN_PUNCT, false);
        negating = false;
        i = j;
        continue;
      }
      if (code === 44 || code === 59 || code === 58) {
        this.push(code === 44 ? ',' : code === 59 ? ';' : ':', TOKEN_PUNCT, false);
        negating = false;
        i++;
        continue;
      }
      i++;
    }
    return this.length;
  }

  /** A list of tokens, for tests and explanations (the hot path reads the arrays). */
  toTokens(): Token[] {
    const out: Token[] = [];
    for (let t = 0; t < this.length; t++) {
      out.push({ text: this.tokens[t], kind: this.kinds[t] as TokenKind, negated: this.negated[t] === 1 });
    }
    return out;
  }

  private push(text: string, kind: TokenKind, negated: boolean): void {
    const at = this.length;
    if (at === this.kinds.length) {
      const kinds = new Uint8Array(at * 2);
      kinds.set(this.kinds);
      this.kinds = kinds;
      const neg = new Uint8Array(at * 2);
      neg.set(this.negated);
      this.negated = neg;
      const caps = new Uint8Array(at * 2);
      caps.set(this.caps);
      this.caps = caps;
    }
    this.tokens[at] = text;
    this.kinds[at] = kind;
    this.negated[at] = negated ? 1 : 0;
    this.caps[at] = 0;
    this.length = at + 1;
  }

  private pushEmoji(emoji: string): void {
    // "😂😂😂😂" says the same as "😂😂": cap runs at two, like elongated words.
    const t = this.length;
    if (t >= 2 && this.tokens[t - 1] === emoji && this.tokens[t - 2] === emoji) return;
    this.push(emoji, TOKEN_EMOJI, false);
  }

  private urlEnd(text: string, i: number): number {
    const rest = text.length - i;
    let start = -1;
    if (rest >= 7 && startsWithLower(text, i, 'http://')) start = i + 7;
    else if (rest >= 8 && startsWithLower(text, i, 'https://')) start = i + 8;
    else if (rest >= 5 && startsWithLower(text, i, 'www.')) start = i + 4;
    if (start < 0) return -1;
    let j = start;
    while (j < text.length && CHAR_CLASS[text.charCodeAt(j)] !== CHAR_SPACE) j++;
    return j;
  }

  /** Reads a word (letters, digits, inner apostrophes) from `start`; returns where it ends. */
  private word(text: string, start: number, kind: TokenKind, negated: boolean): number {
    const n = text.length;
    let j = start;
    let letters = 0;
    let digits = 0;
    let upper = 0;
    let nonLatin = 0;
    let clean = true; // no elongation, no curly apostrophe, no numeric separators: the slice can be used as is
    let run = 1;
    let prev = -1;
    let elongated = false;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      const cls = CHAR_CLASS[c];
      if (cls === CHAR_LETTER) {
        letters++;
        if (c >= 65 && c <= 90) upper++;
        else if (c > 0x24f && c !== 0x5f) nonLatin++;
      } else if (cls === CHAR_DIGIT) {
        digits++;
      } else if ((c === 39 || c === 0x2019) && j + 1 < n && CHAR_CLASS[text.charCodeAt(j + 1)] === CHAR_LETTER && j > start) {
        if (c === 0x2019) clean = false;
      } else if ((c === 46 || c === 44 || c === 58) && digits > 0 && letters === 0 && j + 1 < n && CHAR_CLASS[text.charCodeAt(j + 1)] === CHAR_DIGIT) {
        clean = false;
      } else {
        break;
      }
      const lc = lower(c);
      if (lc === prev) {
        run++;
        if (run === 3) {
          clean = false;
          elongated = true;
        }
      } else {
        run = 1;
        prev = lc;
      }
    }
    this.latinLetters += letters - nonLatin;
    this.nonLatinLetters += nonLatin;
    if (letters === 0) {
      this.push('<num>', TOKEN_NUMBER, false);
      return j;
    }
    this.wordCount++;
    if (elongated) this.elongatedWords++;
    const caps = upper >= 3 && upper === letters;
    if (caps) this.capsWords++;
    let token: string;
    if (clean) {
      token = text.slice(start, j).toLowerCase();
    } else {
      token = normaliseWord(text, start, j);
    }
    this.push(token, kind, negated);
    if (caps) this.caps[this.length - 1] = 1;
    return j;
  }
}

function normaliseWord(text: string, start: number, end: number): string {
  let out = '';
  let prev = -1;
  let run = 0;
  for (let k = start; k < end; k++) {
    let c = text.charCodeAt(k);
    if (c === 0x2019) c = 39;
    const lc = lower(c);
    if (lc === prev) {
      run++;
      if (run >= 3) continue;
    } else {
      run = 1;
      prev = lc;
    }
    out += String.fromCharCode(lc);
  }
  return out.toLowerCase();
}

function startsWithLower(text: string, at: number, prefix: string): boolean {
  for (let k = 0; k < prefix.length; k++) {
    if (lower(text.charCodeAt(at + k)) !== prefix.charCodeAt(k)) return false;
  }
  return true;
}

function isHandleChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function matchEmoticon(text: string, at: number): readonly [string, string] | undefined {
  for (const entry of EMOTICONS) {
    const face = entry[0];
    if (at + face.length > text.length) continue;
    if (!startsWithLower(text, at, face)) continue;
    // An emoticon stands alone: "(:" inside "(:fr)" or ":d" in ":do" must not match.
    const after = at + face.length;
    if (after < text.length) {
      const next = CHAR_CLASS[text.charCodeAt(after)];
      if (next === CHAR_LETTER || next === CHAR_DIGIT) continue;
    }
    return entry;
  }
  return undefined;
}

export function isNegator(token: string): boolean {
  return NEGATORS.has(token) || token.endsWith("n't");
}

/** Convenience for tests and tools: the tokens of one text. */
export function tokenizeTweet(text: string): Token[] {
  const tokenizer = new TweetTokenizer();
  tokenizer.run(text);
  return tokenizer.toTokens();
}
