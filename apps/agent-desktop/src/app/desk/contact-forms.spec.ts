import { describe, expect, it } from 'vitest';

import { ApiError } from '../core/api-client.adapter';
import { listOf } from './contact-panel.component';
import { newIdempotencyKey } from './idempotency.util';
import { choicesOf, renderRefusal } from './standard-responses.component';

describe('the contact and response forms', () => {
  it('reads emails or phones separated by commas, semicolons or lines', () => {
    expect(listOf(' a@x.com, b@y.org;\nc@z.net ,, ')).toEqual(['a@x.com', 'b@y.org', 'c@z.net']);
    expect(listOf('')).toEqual([]);
  });

  it('makes a new UUID v4 for each action', () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(key);
  });

  it('offers the languages and categories of the responses found, once each, sorted', () => {
    const responses = [{ language: 'fr', category: 'refunds' }, { language: 'en', category: 'baggage' }, { language: 'en', category: 'refunds' }];
    expect(choicesOf(responses as never, 'language')).toEqual(['en', 'fr']);
    expect(choicesOf(responses as never, 'category')).toEqual(['baggage', 'refunds']);
  });

  it('says why a response could not be inserted in the server’s words', () => {
    const unfilled = new ApiError(400, { code: 'validation-failed', message: 'bad', problems: [{ field: 'text', messages: ['customer.name cannot be filled: the customer has no display name'] }] });
    expect(renderRefusal(unfilled)).toBe('customer.name cannot be filled: the customer has no display name');
    expect(renderRefusal(new ApiError(409, { code: 'wrong-brand', message: 'x' }))).toBe('This response is for another brand.');
  });
});
