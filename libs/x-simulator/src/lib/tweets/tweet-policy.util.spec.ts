import { checkTweetText, isDuplicateContent, MAX_WEIGHTED_LENGTH, replyAllowed } from './tweet-policy.util';

describe('tweet text policy (twitter-text weighted length)', () => {
  it('accepts exactly 280 weighted characters and refuses 281', () => {
    expect(checkTweetText('a'.repeat(MAX_WEIGHTED_LENGTH))).toEqual({ ok: true, weightedLength: 280 });
    expect(checkTweetText('a'.repeat(281))).toMatchObject({ ok: false, reason: 'too-long', weightedLength: 281 });
  });

  it('counts CJK characters double, so 141 of them are too long', () => {
    expect(checkTweetText('日'.repeat(140)).ok).toBe(true);
    expect(checkTweetText('日'.repeat(141))).toMatchObject({ ok: false, reason: 'too-long', weightedLength: 282 });
  });

  it('counts every URL as 23 however long it is', () => {
    const url = `https://example.com/${'x'.repeat(300)}`;
    expect(checkTweetText(`see ${url}`)).toEqual({ ok: true, weightedLength: 27 });
  });

  it('counts an emoji ZWJ sequence as 2', () => {
    expect(checkTweetText('👨‍👩‍👧‍👦')).toEqual({ ok: true, weightedLength: 2 });
  });

  it('refuses empty and whitespace-only text as empty (a 400, not a 403)', () => {
    expect(checkTweetText('')).toMatchObject({ ok: false, reason: 'empty' });
    expect(checkTweetText('   ')).toMatchObject({ ok: false, reason: 'empty' });
  });
});

describe('duplicate content', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  it('refuses the same text from the same author within the window', () => {
    expect(isDuplicateContent([{ text: 'Thanks!', createdAtMs: now - 1000 }], 'Thanks!', now)).toBe(true);
  });
  it('allows different text, or the same text after the window', () => {
    expect(isDuplicateContent([{ text: 'Thanks!', createdAtMs: now - 1000 }], 'Thanks!!', now)).toBe(false);
    expect(isDuplicateContent([{ text: 'Thanks!', createdAtMs: now - 25 * 3600_000 }], 'Thanks!', now)).toBe(false);
  });
});

describe('reply restriction', () => {
  const brand = { id: 'brand' };
  it('allows a reply when the parent author mentioned the replier', () => {
    expect(replyAllowed({ authorId: 'cust', mentions: [{ start: 0, end: 5, username: 'acme', id: 'brand' }] }, brand, undefined)).toBe(true);
  });
  it('allows a reply when the parent quotes one of the replier\'s posts', () => {
    expect(replyAllowed({ authorId: 'cust', mentions: [], quotedTweetId: '1' }, brand, 'brand')).toBe(true);
  });
  it('allows replying in your own thread', () => {
    expect(replyAllowed({ authorId: 'brand', mentions: [] }, brand, undefined)).toBe(true);
  });
  it('refuses a reply to someone who never engaged the replier', () => {
    expect(replyAllowed({ authorId: 'cust', mentions: [{ start: 0, end: 4, username: 'bob', id: 'bob' }] }, brand, undefined)).toBe(false);
    expect(replyAllowed({ authorId: 'cust', mentions: [], quotedTweetId: '1' }, brand, 'someone-else')).toBe(false);
  });
});
