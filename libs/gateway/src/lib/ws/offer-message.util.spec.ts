import { snippet } from './offer-message.util';

describe('an offer toast snippet', () => {
  it('puts the text on one line', () => {
    expect(snippet('  my bag\n\nnever   arrived\t ')).toBe('my bag never arrived');
  });

  it('keeps a text of 140 code points whole', () => {
    const text = 'a'.repeat(140);
    expect(snippet(text)).toBe(text);
  });

  it('cuts a longer text to 139 code points and an ellipsis', () => {
    const cut = snippet('b'.repeat(141));
    expect(cut).toBe(`${'b'.repeat(139)}…`);
    expect([...cut]).toHaveLength(140);
  });

  it('counts an emoji as one and never splits it', () => {
    // 140 code points, 280 UTF-16 units: whole.
    const whole = '😡'.repeat(140);
    expect(snippet(whole)).toBe(whole);
    // 141: the cut falls after the 139th emoji, not inside one.
    expect(snippet('😡'.repeat(141))).toBe(`${'😡'.repeat(139)}…`);
    expect(snippet(`${'x'.repeat(138)}😡😡😡`)).toBe(`${'x'.repeat(138)}😡…`);
  });
});
