import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header X signs every Account Activity delivery with (reference §4). */
export const WEBHOOK_SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

const PREFIX = 'sha256=';

function hmacBase64(consumerSecret: string, message: string | Uint8Array): string {
  return createHmac('sha256', consumerSecret).update(message).digest('base64');
}

/** The CRC answer: `sha256=` + base64(HMAC-SHA256(key = consumer secret, message = crc_token)). */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return PREFIX + hmacBase64(consumerSecret, crcToken);
}

/** The signature X puts on a delivery of exactly these bytes. */
export function webhookSignature(consumerSecret: string, rawBody: string | Uint8Array): string {
  return PREFIX + hmacBase64(consumerSecret, rawBody);
}

export type WebhookSignatureCheck = 'valid' | 'missing' | 'invalid';

/**
 * Checks a delivery's signature over the raw body bytes (a re-serialized JSON would not match). The comparison
 * takes the same time wherever the first differing byte is, so the signature cannot be guessed byte by byte.
 */
export function verifyWebhookSignature(
  consumerSecret: string,
  rawBody: Uint8Array,
  header: string | readonly string[] | undefined,
): WebhookSignatureCheck {
  const received = Array.isArray(header) ? header[0] : header;
  if (typeof received !== 'string' || received.trim().length === 0) return 'missing';
  const expected = Buffer.from(webhookSignature(consumerSecret, rawBody), 'utf8');
  const actual = Buffer.from(received.trim(), 'utf8');
  // Lengths are public (sha256 base64 is always 44 characters); only equal-length buffers can be compared.
  if (actual.length !== expected.length) return 'invalid';
  return timingSafeEqual(actual, expected) ? 'valid' : 'invalid';
}
