import { completionProblems, NOTE_MAX_LENGTH } from './completion-rules.util';
import { type BrandDispositions } from './disposition-store.port';

const acme: BrandDispositions = {
  brand: 'acme_support',
  required: false,
  codes: [
    { code: 'resolved', label: 'Resolved', retired: false },
    { code: 'escalated', label: 'Escalated', retired: false },
    { code: 'old', label: 'Old', retired: true },
  ],
};

describe(completionProblems.name, () => {
  it('accepts a live code, a note with words, or nothing at all when not required', () => {
    expect(completionProblems(acme, { disposition: 'resolved', note: 'rebooked on the 18:40' })).toEqual([]);
    expect(completionProblems(acme, {})).toEqual([]);
  });

  it('refuses an unknown code naming the allowed ones, and a retired code as retired', () => {
    expect(completionProblems(acme, { disposition: 'banana' })).toEqual([{ field: 'disposition', messages: ['unknown disposition "banana": one of resolved, escalated'] }]);
    expect(completionProblems(acme, { disposition: 'old' })[0]?.messages[0]).toMatch(/^retired disposition "old": one of resolved, escalated$/);
  });

  it('refuses done without a disposition when the brand requires one, and any code when the brand has none', () => {
    expect(completionProblems({ ...acme, required: true }, { note: 'n' })).toEqual([
      { field: 'disposition', messages: ['a disposition is required before done for @acme_support: one of resolved, escalated'] },
    ]);
    expect(completionProblems({ brand: 'bare', required: false, codes: [] }, { disposition: 'resolved' })[0]?.messages[0]).toMatch(/@bare has no disposition codes/);
  });

  it('refuses a blank note and one over the limit, naming the note', () => {
    expect(completionProblems(acme, { note: '  \n ' })).toEqual([{ field: 'note', messages: ['note must not be empty or only spaces; leave it out instead'] }]);
    expect(completionProblems(acme, { note: '' })).toHaveLength(1);
    expect(completionProblems(acme, { note: 'x'.repeat(NOTE_MAX_LENGTH + 1) })[0]?.field).toBe('note');
    expect(completionProblems(acme, { note: 'x'.repeat(NOTE_MAX_LENGTH) })).toEqual([]);
  });
});
