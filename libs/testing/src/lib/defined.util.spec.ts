import { defined } from './defined.util';

describe('defined', () => {
  it('returns a present value as it is, falsy ones included', () => {
    expect(defined(0, 'a count')).toBe(0);
    expect(defined('', 'a text')).toBe('');
    expect(defined(false, 'a flag')).toBe(false);
  });

  it('fails naming what was missing', () => {
    expect(() => defined(undefined, 'the first tweet')).toThrow('the first tweet missing');
    expect(() => defined(null, 'the rate limit')).toThrow('the rate limit missing');
  });
});
