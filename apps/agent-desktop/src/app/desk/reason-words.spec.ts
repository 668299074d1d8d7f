import { describe, expect, it } from 'vitest';

import { reasonWords, whyLine } from './reason-words.domain';

const TWEET = '@PerchAir my bag never arrived in Lisbon. Where is it? Flight TP1357, 2 days now https://t.co/x';

describe('why the model decided, in the words of the tweet', () => {
  it('shows a mention, a number and a link as written instead of the model’s tokens, without weights', () => {
    expect(reasonWords(['<user> (+0.24)', '<num> (+0.11)', '<url> (+0.05)'], TWEET)).toEqual(['@PerchAir', '2', 'a link']);
  });

  it('drops the start and end of the text, and keeps the tweet’s own case', () => {
    expect(reasonWords(['<s> where (+0.40)', 'is it (+0.20)', '? </s> (+0.10)'], TWEET)).toEqual(['Where', 'is it', 'a question mark']);
  });

  it('says a negated word as such, and names a counted feature without its lexicon', () => {
    expect(reasonWords(['arrived (negated) (+0.3)', 'negative words (AFINN sum) (+0.2)'], TWEET)).toEqual(['not arrived', 'negative words']);
  });

  it('shows each reason once and skips the model’s "nothing weighed"', () => {
    expect(reasonWords(['never arrived', 'never arrived (+0.1)', 'no strong features'], TWEET)).toEqual(['never arrived']);
  });

  it('joins both heads’ reasons into the Why line, empty when there are none', () => {
    expect(whyLine({ sentimentFeatures: ['never arrived'], actionabilityFeatures: ['where is'] }, TWEET)).toBe('Why: never arrived, Where is');
    expect(whyLine({ sentimentFeatures: ['<s>'], actionabilityFeatures: [] }, TWEET)).toBe('');
    expect(whyLine(null, TWEET)).toBe('');
  });
});
