import { createHmac } from 'node:crypto';

import { crcResponseToken, verifyWebhookSignature, webhookSignature } from './webhook-signature.util';

describe('webhook signatures', () => {
  it('answers a CRC with sha256= and the base64 HMAC-SHA256 of the token keyed by the consumer secret', () => {
    const expected = createHmac('sha256', 'secret').update('challenge').digest('base64');
    expect(crcResponseToken('secret', 'challenge')).toBe(`sha256=${expected}`);
    // A fixed vector, so the formula cannot drift together with the test.
    expect(crcResponseToken('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=',
    );
  });

  it('signs the raw body and verifies it, refusing other bodies, other secrets and missing headers', () => {
    const body = '{"for_user_id":"1","tweet_create_events":[]}';
    const header = webhookSignature('secret', body);
    expect(header).toMatch(/^sha256=[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhookSignature('secret', body, header)).toBe(true);
    expect(verifyWebhookSignature('secret', Buffer.from(body), header)).toBe(true);
    expect(verifyWebhookSignature('secret', `${body} `, header)).toBe(false);
    expect(verifyWebhookSignature('other', body, header)).toBe(false);
    expect(verifyWebhookSignature('secret', body, undefined)).toBe(false);
    expect(verifyWebhookSignature('secret', body, 'sha256=short')).toBe(false);
  });
});
