import { createHmac, timingSafeEqual } from 'node:crypto';

// X's webhook security (reference §4): the CRC answer and every event POST's signature header are
// "sha256=" + base64(HMAC-SHA256(key = consumer secret, message)).

function hmac(consumerSecret: string, message: string | Buffer): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(message).digest('base64')}`;
}

/** The response_token a webhook must return for a crc_token. */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return hmac(consumerSecret, crcToken);
}

/** The x-twitter-webhooks-signature header value for a raw request body. */
export function webhookSignature(consumerSecret: string, rawBody: string | Buffer): string {
  return hmac(consumerSecret, rawBody);
}

/** Checks a signature header against the raw body in constant time, as X asks receivers to. */
export function verifyWebhookSignature(consumerSecret: string, rawBody: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(webhookSignature(consumerSecret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
