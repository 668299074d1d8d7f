import type { StandardResponse } from '@perch/desktop-api';
import { describe, expect, it } from 'vitest';

import {
  createResponseRequest,
  EMPTY_RESPONSE_FORM,
  formOf,
  insertPlaceholder,
  libraryQuery,
  NO_FILTERS,
  placeholdersIn,
  responseChanges,
  responseFormProblems,
  unknownPlaceholders,
} from './response-form.util';

const PLACEHOLDERS = ['customer.name', 'customer.handle', 'agent.name', 'case.number'];

const SAVED: StandardResponse = {
  id: '7d7c7a52-2c5e-4a43-9d3c-3c1f7d6e2a10',
  title: 'Refund delay',
  text: 'Hi {{customer.name}}, case {{case.number}} is with refunds.',
  brand: 'perchair',
  language: 'en',
  category: 'billing',
  placeholders: ['customer.name', 'case.number'],
  createdBy: 'carol',
  createdAt: 1,
  updatedAt: 1,
};

describe('the standard-response form', () => {
  it('names every field it can check before sending', () => {
    expect(responseFormProblems({ ...EMPTY_RESPONSE_FORM, title: '  ', text: '', language: 'English', category: '' })).toEqual({
      title: expect.any(String),
      text: expect.any(String),
      language: expect.any(String),
      category: expect.any(String),
    });
    expect(responseFormProblems(formOf(SAVED))).toEqual({});
    expect(responseFormProblems({ ...formOf(SAVED), language: 'pt-BR' })).toEqual({});
  });

  it('warns of a placeholder the gateway does not know while typing, naming it and the ones it does, and leaves the refusal to the gateway', () => {
    // {{ agent.name }} is known (spaces inside the braces aside): only customer.email is named as unknown.
    expect(unknownPlaceholders('Hi {{customer.email}} and {{ agent.name }}', PLACEHOLDERS)).toBe(
      'Unknown placeholder {{customer.email}}: use {{customer.name}}, {{customer.handle}}, {{agent.name}}, {{case.number}}',
    );
    expect(unknownPlaceholders(SAVED.text, PLACEHOLDERS)).toBeNull();
    expect(responseFormProblems({ ...formOf(SAVED), text: 'Hi {{customer.email}}' })).toEqual({});
  });

  it('lists the placeholders a text uses once each, spaces inside the braces aside', () => {
    expect(placeholdersIn('{{customer.name}} {{ case.number }} {{customer.name}} {single}')).toEqual(['customer.name', 'case.number']);
  });

  it('sends a trimmed create body, with no brand meaning every brand', () => {
    expect(createResponseRequest({ title: ' Lounge hours ', text: 'Open at 5am.', brand: '', language: ' en ', category: ' lounges ' })).toEqual({
      title: 'Lounge hours',
      text: 'Open at 5am.',
      brand: null,
      language: 'en',
      category: 'lounges',
    });
    expect(createResponseRequest({ ...formOf(SAVED), brand: 'PerchAir' }).brand).toBe('perchair');
  });

  it('sends only the fields an edit changed', () => {
    expect(responseChanges(SAVED, formOf(SAVED))).toEqual({});
    expect(responseChanges(SAVED, { ...formOf(SAVED), title: 'Refund delays', brand: '' })).toEqual({ title: 'Refund delays', brand: null });
    expect(responseChanges({ ...SAVED, brand: null }, { ...formOf(SAVED), brand: 'perchair', category: 'refunds' })).toEqual({ brand: 'perchair', category: 'refunds' });
  });

  it('puts a placeholder chip in place of the selection and the caret after it', () => {
    expect(insertPlaceholder('Hi , thanks', 3, 3, 'customer.name')).toEqual({ text: 'Hi {{customer.name}}, thanks', caret: 20 });
    expect(insertPlaceholder('Hi NAME!', 3, 7, 'agent.name')).toEqual({ text: 'Hi {{agent.name}}!', caret: 17 });
    // A stale selection past the end appends.
    expect(insertPlaceholder('Case ', 40, 50, 'case.number')).toEqual({ text: 'Case {{case.number}}', caret: 20 });
  });

  it('searches with the filters given and the largest page', () => {
    expect(libraryQuery(NO_FILTERS)).toBe('limit=200');
    expect(libraryQuery({ q: ' next flight ', brand: 'perchair', language: '', category: 'baggage' })).toBe('q=next+flight&brand=perchair&category=baggage&limit=200');
  });
});
