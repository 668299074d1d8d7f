import { defined } from '@perch/testing';

import { matchesRule, parseRule, toTokenText, type RuleMatchSubject, type RuleNode } from './rule-query.util';

function subject(text: string, extra: Partial<RuleMatchSubject> = {}): RuleMatchSubject {
  const mentions = [...text.matchAll(/@(\w+)/g)].map((m) => defined(m[1], 'a mentioned username').toLowerCase());
  const hashtags = [...text.matchAll(/#(\w+)/g)].map((m) => defined(m[1], 'a hashtag').toLowerCase());
  return {
    tokenText: toTokenText(text),
    mentions,
    hashtags,
    authorUsername: 'cat',
    authorId: '42',
    isReply: false,
    isQuote: false,
    isRetweet: false,
    ...extra,
  };
}

function rule(value: string): RuleNode {
  const parsed = parseRule(value);
  if (!parsed.ok) throw new Error(parsed.details.join('; '));
  return parsed.node;
}

describe('stream rule language', () => {
  it('matches an @mention case-insensitively and only as a mention', () => {
    expect(matchesRule(rule('@Acme_Support'), subject('hey @acme_support my order'))).toBe(true);
    expect(matchesRule(rule('@acme_support'), subject('acme_support is great'))).toBe(false);
  });

  it('matches keywords as whole tokens, not substrings', () => {
    expect(matchesRule(rule('refund'), subject('Where is my REFUND?'))).toBe(true);
    expect(matchesRule(rule('refund'), subject('refunds are slow'))).toBe(false);
  });

  it('matches quoted phrases as consecutive tokens', () => {
    expect(matchesRule(rule('"order is late"'), subject('my order is late again'))).toBe(true);
    expect(matchesRule(rule('"order is late"'), subject('late is my order'))).toBe(false);
  });

  it('ANDs terms separated by spaces', () => {
    const node = rule('@acme_support refund');
    expect(matchesRule(node, subject('@acme_support refund please'))).toBe(true);
    expect(matchesRule(node, subject('@acme_support hello'))).toBe(false);
  });

  it('gives AND precedence over OR, and honours parentheses', () => {
    const node = rule('@acme_support refund OR outage');
    expect(matchesRule(node, subject('outage everywhere'))).toBe(true);
    const grouped = rule('@acme_support (refund OR outage)');
    expect(matchesRule(grouped, subject('outage everywhere'))).toBe(false);
    expect(matchesRule(grouped, subject('@acme_support outage everywhere'))).toBe(true);
  });

  it('supports from:, to:, negation and is:retweet / is:reply', () => {
    expect(matchesRule(rule('from:cat'), subject('anything'))).toBe(true);
    expect(matchesRule(rule('from:42'), subject('anything'))).toBe(true);
    expect(matchesRule(rule('from:dog'), subject('anything'))).toBe(false);
    expect(matchesRule(rule('@acme_support -is:retweet'), subject('@acme_support hi'))).toBe(true);
    expect(matchesRule(rule('@acme_support -is:retweet'), subject('@acme_support hi', { isRetweet: true }))).toBe(false);
    expect(matchesRule(rule('@acme_support -is:reply'), subject('@acme_support hi', { isReply: true }))).toBe(false);
    expect(matchesRule(rule('to:acme_support'), subject('thanks', { inReplyToUsername: 'acme_support' }))).toBe(true);
    expect(matchesRule(rule('@acme_support -from:acme_support'), subject('@acme_support hi'))).toBe(true);
  });

  it('matches hashtags', () => {
    expect(matchesRule(rule('#AcmeDown'), subject('is it just me #acmedown'))).toBe(true);
  });

  it.each([
    ['-is:retweet', /non-negation/],
    ['is:reply', /non-negation/],
    ['lang:en', /invalid operator 'lang'/],
    ['(refund', /Unbalanced/],
    ['"open phrase', /Unterminated/],
    ['refund OR', /OR needs a term/],
    ['', /empty/],
  ])('refuses the invalid rule %p', (value, message) => {
    const parsed = parseRule(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.details.join(' ')).toMatch(message);
  });

  it('refuses rules longer than 1024 characters', () => {
    expect(parseRule('a '.repeat(600)).ok).toBe(false);
  });
});
