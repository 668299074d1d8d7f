import { parseVaderLexicon, vaderLexicon } from './vader-lexicon.util';

describe('VADER lexicon', () => {
  it('reads the lexicon that ships with vader-sentiment', () => {
    const lexicon = vaderLexicon();
    expect(lexicon.size).toBeGreaterThan(7000);
    expect(lexicon.get('good')).toBeCloseTo(1.9);
    expect(lexicon.get('wtf')).toBeLessThan(0);
    expect(lexicon.get(':)')).toBeGreaterThan(0);
  });

  it('lower-cases entries, keeps the lower-case one on a clash and skips multi-word entries', () => {
    const lexicon = parseVaderLexicon(':D\t2.9\t1\t[]\n:d\t2.3\t1\t[]\nLOL\t1.0\t1\t[]\nfed up\t-1.8\t1\t[]\n');
    expect(lexicon.get(':d')).toBe(2.3);
    expect(lexicon.get('lol')).toBe(1);
    expect(lexicon.has('fed up')).toBe(false);
  });
});
