// The subset of X's filtered-stream rule language the simulator understands (documented in README):
// keywords, "exact phrases", @mention, #hashtag, from:, to:, is:reply|retweet|quote, negation with "-",
// implicit AND, OR (AND binds tighter, as on X) and parentheses.

export type RuleNode =
  | { kind: 'and'; items: RuleNode[] }
  | { kind: 'or'; items: RuleNode[] }
  | { kind: 'not'; item: RuleNode }
  | { kind: 'keyword'; tokens: string }
  | { kind: 'mention'; username: string }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'from'; user: string }
  | { kind: 'to'; user: string }
  | { kind: 'is'; what: 'reply' | 'retweet' | 'quote' };

export type RuleParseResult = { ok: true; node: RuleNode } | { ok: false; details: string[] };

/** What a tweet looks like to the matcher; built once per tweet and shared by every rule. */
export interface RuleMatchSubject {
  /** Lower-cased word tokens joined by single spaces, padded with a space on both ends. */
  readonly tokenText: string;
  /** Lower-cased usernames (a handful per tweet: an array beats a Set here). */
  readonly mentions: readonly string[];
  /** Lower-cased hashtags without "#". */
  readonly hashtags: readonly string[];
  readonly authorUsername: string;
  readonly authorId: string;
  readonly inReplyToUsername?: string;
  readonly inReplyToUserId?: string;
  readonly isReply: boolean;
  readonly isQuote: boolean;
  readonly isRetweet: boolean;
}

export const MAX_RULE_LENGTH = 1024;

const WORD = /[\p{L}\p{N}_]+/gu;

/** Lower-cases and splits into word tokens, as X's tokenized keyword match does. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function toTokenText(text: string): string {
  return ` ${tokenize(text).join(' ')} `;
}

type Token =
  | { type: 'lparen'; negated: boolean; position: number }
  | { type: 'rparen'; position: number }
  | { type: 'or'; position: number }
  | { type: 'term'; text: string; quoted: boolean; negated: boolean; position: number };

function lex(value: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    // charAt reads are always in range here (i < value.length is checked wherever i moves), so none falls back to ''.
    const ch = value.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const position = i + 1;
    let negated = false;
    if (ch === '-') {
      negated = true;
      i++;
      if (i >= value.length || /\s/.test(value.charAt(i))) return `Negation must be attached to a term (at position ${position})`;
    }
    const c = value.charAt(i);
    if (c === '(') {
      tokens.push({ type: 'lparen', negated, position });
      i++;
    } else if (c === ')') {
      if (negated) return `Unexpected "-" before ")" (at position ${position})`;
      tokens.push({ type: 'rparen', position });
      i++;
    } else if (c === '"') {
      const end = value.indexOf('"', i + 1);
      if (end < 0) return `Unterminated quoted phrase (at position ${position})`;
      tokens.push({ type: 'term', text: value.slice(i + 1, end), quoted: true, negated, position });
      i = end + 1;
    } else {
      let end = i;
      while (end < value.length && !/[\s()]/.test(value.charAt(end))) end++;
      const text = value.slice(i, end);
      if (text === 'OR' && !negated) tokens.push({ type: 'or', position });
      else tokens.push({ type: 'term', text, quoted: false, negated, position });
      i = end;
    }
  }
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): RuleNode {
    const node = this.parseOr();
    const rest = this.tokens[this.index];
    if (rest) throw new RuleSyntaxError(`Unexpected ${rest.type === 'rparen' ? '")"' : 'token'} (at position ${rest.position})`);
    return node;
  }

  /** The current token; undefined past the end. */
  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private parseOr(): RuleNode {
    const first = this.parseAnd();
    const items = [first];
    for (let orToken = this.peek(); orToken?.type === 'or'; orToken = this.peek()) {
      this.index++;
      if (!this.startsOperand()) throw new RuleSyntaxError(`OR needs a term on both sides (at position ${orToken.position})`);
      items.push(this.parseAnd());
    }
    return items.length === 1 ? first : { kind: 'or', items };
  }

  private startsOperand(): boolean {
    const t = this.tokens[this.index];
    return t !== undefined && (t.type === 'term' || t.type === 'lparen');
  }

  private parseAnd(): RuleNode {
    const items: RuleNode[] = [];
    while (this.startsOperand()) items.push(this.parseUnary());
    const first = items.at(0);
    if (first === undefined) {
      const t = this.tokens[this.index];
      throw new RuleSyntaxError(t ? `Expected a term (at position ${t.position})` : 'Expected a term at the end of the rule');
    }
    return items.length === 1 ? first : { kind: 'and', items };
  }

  private parseUnary(): RuleNode {
    // Callers check startsOperand() first, so running out of tokens here is a parser bug, not a bad rule.
    const t = this.peek();
    if (t === undefined) throw new Error('Rule parser read past the last token');
    this.index++;
    if (t.type === 'lparen') {
      const inner = this.parseOr();
      if (this.tokens[this.index]?.type !== 'rparen') throw new RuleSyntaxError(`Unbalanced parentheses (at position ${t.position})`);
      this.index++;
      return t.negated ? { kind: 'not', item: inner } : inner;
    }
    if (t.type !== 'term') throw new RuleSyntaxError(`Unexpected token (at position ${t.position})`);
    const term = termNode(t.text, t.quoted, t.position);
    return t.negated ? { kind: 'not', item: term } : term;
  }
}

class RuleSyntaxError extends Error {}

const USERNAME = /^[A-Za-z0-9_]{1,15}$/;

function termNode(text: string, quoted: boolean, position: number): RuleNode {
  if (quoted) {
    const tokens = tokenize(text);
    if (tokens.length === 0) throw new RuleSyntaxError(`Empty quoted phrase (at position ${position})`);
    return { kind: 'keyword', tokens: tokens.join(' ') };
  }
  if (text.startsWith('@')) {
    const username = text.slice(1);
    if (!USERNAME.test(username)) throw new RuleSyntaxError(`Invalid @mention "${text}" (at position ${position})`);
    return { kind: 'mention', username: username.toLowerCase() };
  }
  if (text.startsWith('#')) {
    const tag = text.slice(1);
    if (!/^[\p{L}\p{N}_]+$/u.test(tag)) throw new RuleSyntaxError(`Invalid hashtag "${text}" (at position ${position})`);
    return { kind: 'hashtag', tag: tag.toLowerCase() };
  }
  const colon = text.indexOf(':');
  if (colon > 0 && /^[a-z_]+$/.test(text.slice(0, colon))) {
    const operator = text.slice(0, colon);
    const arg = text.slice(colon + 1);
    switch (operator) {
      case 'from':
      case 'to': {
        const user = arg.startsWith('@') ? arg.slice(1) : arg;
        if (!USERNAME.test(user) && !/^\d{1,19}$/.test(user)) {
          throw new RuleSyntaxError(`Invalid ${operator}: value "${arg}" (at position ${position})`);
        }
        return { kind: operator, user: user.toLowerCase() };
      }
      case 'is':
        if (arg === 'reply' || arg === 'retweet' || arg === 'quote') return { kind: 'is', what: arg };
        throw new RuleSyntaxError(`Unsupported is: value "${arg}" (at position ${position})`);
      default:
        throw new RuleSyntaxError(`Reference to invalid operator '${operator}' (at position ${position})`);
    }
  }
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new RuleSyntaxError(`Term "${text}" has no searchable characters (at position ${position})`);
  return { kind: 'keyword', tokens: tokens.join(' ') };
}

/** X refuses rules without a positive stand-alone term (e.g. only "-is:retweet" or only "is:reply"). */
function hasPositiveStandalone(node: RuleNode): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.some(hasPositiveStandalone);
    case 'or':
      return node.items.every(hasPositiveStandalone);
    case 'not':
    case 'is':
      return false;
    default:
      return true;
  }
}

export function parseRule(value: string): RuleParseResult {
  if (value.trim().length === 0) return { ok: false, details: ['Rules must not be empty'] };
  if (value.length > MAX_RULE_LENGTH) {
    return { ok: false, details: [`Rule length exceeds the maximum of ${MAX_RULE_LENGTH} characters`] };
  }
  const tokens = lex(value);
  if (typeof tokens === 'string') return { ok: false, details: [tokens] };
  try {
    const node = new Parser(tokens).parse();
    if (!hasPositiveStandalone(node)) {
      return { ok: false, details: ['Rules must contain a non-negation, stand-alone term (e.g. a keyword or @mention)'] };
    }
    return { ok: true, node };
  } catch (error) {
    if (error instanceof RuleSyntaxError) return { ok: false, details: [error.message] };
    throw error;
  }
}

export function matchesRule(node: RuleNode, subject: RuleMatchSubject): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((item) => matchesRule(item, subject));
    case 'or':
      return node.items.some((item) => matchesRule(item, subject));
    case 'not':
      return !matchesRule(node.item, subject);
    case 'keyword':
      return subject.tokenText.includes(` ${node.tokens} `);
    case 'mention':
      return subject.mentions.includes(node.username);
    case 'hashtag':
      return subject.hashtags.includes(node.tag);
    case 'from':
      return subject.authorUsername === node.user || subject.authorId === node.user;
    case 'to':
      return subject.inReplyToUsername === node.user || subject.inReplyToUserId === node.user;
    case 'is':
      return node.what === 'reply' ? subject.isReply : node.what === 'quote' ? subject.isQuote : subject.isRetweet;
  }
}
