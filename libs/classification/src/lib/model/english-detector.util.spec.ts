import { detectEnglish } from './english-detector.util';
import { TweetTokenizer } from './tweet-tokenizer.util';

function verdict(text: string): boolean {
  const tokenizer = new TweetTokenizer();
  tokenizer.run(text);
  return detectEnglish(tokenizer).supported;
}

describe('detectEnglish', () => {
  it('accepts English, including short and emoji-only messages', () => {
    for (const text of ['@acme_support my order is late', 'RIP Ursula K. Le Guin', 'ok', '@acme 😡😡', 'Chicago IL tonight!']) {
      expect(verdict(text)).toBe(true);
    }
  });

  it('rejects other scripts and texts whose function words are foreign', () => {
    for (const text of [
      '@acme_support 注文がまだ届いていません',
      'Спасибо за помощь',
      '@SkyLink merci pour ce vol',
      'Hola, mi pedido no ha llegado todavía, por favor ayuda',
      'Ich habe meine Bestellung noch nicht erhalten, bitte helfen Sie mir',
    ]) {
      expect(verdict(text)).toBe(false);
    }
  });

  it('rejects texts with nothing to read (a bare mention or link)', () => {
    expect(verdict('@acme_support https://t.co/abc')).toBe(false);
    expect(verdict('')).toBe(false);
  });
});
