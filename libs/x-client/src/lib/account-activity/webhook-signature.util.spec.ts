import { createHmac } from 'node:crypto';

import { crcResponseToken, verifyWebhookSignature, webhookSignature } from './webhook-signature.util';

const SECRET = 'perch-consumer-secret';

describe('Account Activity webhook signatures', () => {
  it('answers a CRC challenge with sha256= and the base64 HMAC of the token under the consumer secret', () => {
    const expected = createHmac('sha256', SECRET).update('challenge-123').digest('base64');
    expect(crcResponseToken(SECRET, 'challenge-123')).toBe(`sha256=${expected}`);
  });

  it('gives a fixed known answer for a fixed secret and token', () => {
    // Known answer, so a change of encoding (hex, base64url) cannot slip through.
    expect(crcResponseToken('secret', 'token')).toBe('sha256=6UERDj0r/oJiHw4+FDRzDXMF0QbF9oyHFl0LJ6RhGko=');
  });

  it('accepts a delivery signed over its exact bytes', () => {
    const body = Buffer.from('{"for_user_id":"2244994945","direct_message_events":[]}');
    expect(verifyWebhookSignature(SECRET, body, webhookSignature(SECRET, body))).toBe('valid');
  });

  it('refuses a delivery whose body changed by one byte after signing', () => {
    const signed = Buffer.from('{"for_user_id":"2244994945"}');
    const tampered = Buffer.from('{"for_user_id":"2244994946"}');
    expect(verifyWebhookSignature(SECRET, tampered, webhookSignature(SECRET, signed))).toBe('invalid');
  });

  it('refuses a signature made with another secret', () => {
    const body = Buffer.from('{}');
    expect(verifyWebhookSignature(SECRET, body, webhookSignature('someone-else', body))).toBe('invalid');
  });

  it('refuses a truncated or garbage signature without throwing', () => {
    const body = Buffer.from('{}');
    expect(verifyWebhookSignature(SECRET, body, webhookSignature(SECRET, body).slice(0, 20))).toBe('invalid');
    expect(verifyWebhookSignature(SECRET, body, 'sha256=not base64 at all ✗')).toBe('invalid');
  });

  it('tells a missing signature apart from a wrong one', () => {
    expect(verifyWebhookSignature(SECRET, Buffer.from('{}'), undefined)).toBe('missing');
    expect(verifyWebhookSignature(SECRET, Buffer.from('{}'), '  ')).toBe('missing');
  });

  it('reads the first value when the header was sent twice', () => {
    const body = Buffer.from('{"a":1}');
    expect(verifyWebhookSignature(SECRET, body, [webhookSignature(SECRET, body), 'sha256=x'])).toBe('valid');
  });
});
