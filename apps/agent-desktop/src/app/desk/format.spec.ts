import { describe, expect, it } from 'vitest';

import { phoneKey, reachForm } from './contact-panel.component';
import { splitText } from './format.util';

describe('text in the transcript', () => {
  it('finds mentions, email addresses and phone numbers, and leaves the rest as text', () => {
    expect(splitText('@PerchAir mail me at dana@example.com or call +33 6 12 34 56 78, ref TP1357 #1234')).toEqual([
      { mention: 'PerchAir' },
      { text: ' mail me at ' },
      { email: 'dana@example.com' },
      { text: ' or call ' },
      { phone: '+33 6 12 34 56 78' },
      { text: ', ref TP1357 #1234' },
    ]);
  });

  it('takes no handle out of an email address, and no order number for a phone', () => {
    expect(splitText('sam@rides.org, 2 days, order 12345').filter((part) => !('text' in part))).toEqual([{ email: 'sam@rides.org' }]);
    expect(splitText('order #49062571, ref 49062571, call 0612345678').filter((part) => !('text' in part))).toEqual([{ phone: '0612345678' }]);
  });
});

describe('reaching the customer on another channel', () => {
  const contact = { emails: ['dana@example.com'], phones: ['+33612345678'] };

  it('opens the email or call form when the contact has the address or number', () => {
    expect(reachForm(contact, 'email', 'Dana@Example.com')).toEqual({ form: 'email', add: '' });
    expect(reachForm(contact, 'call', '+33 6 12 34 56 78')).toEqual({ form: 'call', add: '' });
    expect(reachForm(contact, 'email', '')).toEqual({ form: 'email', add: '' });
  });

  it('adds a new address to the contact first, or saves the customer as one', () => {
    expect(reachForm(contact, 'call', '+1 555 010 9999')).toEqual({ form: 'edit', add: '+1 555 010 9999' });
    expect(reachForm(null, 'email', 'sam@rides.org')).toEqual({ form: 'save', add: 'sam@rides.org' });
  });

  it('compares phone numbers by their digits', () => {
    expect(phoneKey(' +33 (6) 12-34 ')).toBe('+3361234');
    expect(phoneKey('06 12')).toBe('0612');
  });
});
