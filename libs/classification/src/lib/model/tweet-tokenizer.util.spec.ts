import { decodeTweetText, tokenizeTweet, TweetTokenizer, TOKEN_EMOJI, TOKEN_EMOTICON, TOKEN_HASHTAG, TOKEN_NUMBER, TOKEN_URL, TOKEN_USER } from './tweet-tokenizer.util';

const texts = (text: string): string[] => tokenizeTweet(text).map((t) => (t.negated ? `${t.text}_NEG` : t.text));

describe('tokenizeTweet', () => {
  it('lower-cases words and replaces mentions, links and numbers by placeholders', () => {
    const tokens = tokenizeTweet('@Acme_Support Order 1,234 at https://t.co/x WWW.acme.com costs $3.39');
    expect(tokens.map((t) => t.text)).toEqual(['<user>', 'order', '<num>', 'at', '<url>', '<url>', 'costs', '<num>']);
    expect(tokens.map((t) => t.kind)).toEqual([TOKEN_USER, 0, TOKEN_NUMBER, 0, TOKEN_URL, TOKEN_URL, 0, TOKEN_NUMBER]);
  });

  it('cuts letters repeated three or more times to two', () => {
    expect(texts('Sooooo goooood')).toEqual(['soo', 'good']);
  });

  it('keeps emoticons as canonical tokens and each emoji as its own token', () => {
    const tokens = tokenizeTweet('great :-)) sad :( love <3 😂😂😂😂 👍🏽 ❤️');
    expect(tokens.map((t) => t.text)).toEqual(['great', ':)', 'sad', ':(', 'love', '<3', '😂', '😂', '👍', '❤']);
    expect(tokens.filter((t) => t.kind === TOKEN_EMOTICON)).toHaveLength(3);
    expect(tokens.filter((t) => t.kind === TOKEN_EMOJI)).toHaveLength(4);
  });

  it('splits hashtags from their # sign', () => {
    const [tag] = tokenizeTweet('#EpicFail');
    expect(tag).toEqual({ text: 'epicfail', kind: TOKEN_HASHTAG, negated: false });
  });

  it('marks the words after a negator as negated until the next punctuation', () => {
    expect(texts("I don't like it, but ok")).toEqual(['i', "don't", 'like_NEG', 'it_NEG', ',', 'but', 'ok']);
    expect(texts('never again. fine')).toEqual(['never', 'again_NEG', '.', 'fine']);
  });

  it('turns runs of exclamation and question marks into one token', () => {
    expect(texts('why?! really??? yes!!! ok!')).toEqual(['why', '?!', 'really', '??', 'yes', '!!', 'ok', '!']);
  });

  it('undoes HTML entities and the literal \\u escapes of published data sets', () => {
    expect(decodeTweetText('a &amp; b &lt;3 I\\u2019m')).toBe('a & b <3 I\u2019m');
    expect(texts('I\\u2019m fine &lt;3')).toEqual(["i'm", 'fine', '<3']);
  });

  it('marks each word written in capitals, and resets the mark for the next text', () => {
    const tokenizer = new TweetTokenizer();
    const n = tokenizer.run('this is AWFUL, OK?');
    expect(Array.from(tokenizer.caps.subarray(0, n))).toEqual([0, 0, 1, 0, 0, 0]);
    tokenizer.run('this is awful');
    expect(Array.from(tokenizer.caps.subarray(0, 3))).toEqual([0, 0, 0]);
  });

  it('returns no tokens for empty or blank text', () => {
    expect(tokenizeTweet('')).toEqual([]);
    expect(tokenizeTweet('   \n')).toEqual([]);
  });
});
