import type { BrandDispositions } from '@perch/desktop-api';
import { describe, expect, it } from 'vitest';

import { codeFromLabel, labelProblem, newCodeProblems, withBrand, withCode } from './disposition-form.util';

const LISTS: BrandDispositions[] = [
  {
    brand: 'perchair',
    required: false,
    codes: [
      { code: 'escalated', label: 'Escalated', retired: false },
      { code: 'resolved', label: 'Resolved', retired: false },
    ],
  },
  { brand: 'acme_support', required: true, codes: [{ code: 'resolved', label: 'Resolved', retired: false }] },
];

describe('the disposition-code forms', () => {
  it('names a bad code and a blank label before sending', () => {
    expect(newCodeProblems({ code: 'Refund Issued', label: '  ' }, [])).toEqual({ code: expect.any(String), label: expect.any(String) });
    expect(newCodeProblems({ code: '-refund', label: 'Refund' }, [])).toEqual({ code: expect.any(String) });
    expect(newCodeProblems({ code: 'refund_issued-2', label: 'Refund issued' }, [])).toEqual({});
  });

  it("refuses a code already in the brand's list, retired ones included", () => {
    expect(newCodeProblems({ code: 'resolved', label: 'Resolved again' }, [{ code: 'resolved', label: 'Resolved', retired: true }])).toEqual({ code: expect.stringContaining('resolved') });
  });

  it('checks a new label is 1 to 100 characters', () => {
    expect(labelProblem('Refund issued')).toBeNull();
    expect(labelProblem('   ')).not.toBeNull();
    expect(labelProblem('x'.repeat(101))).not.toBeNull();
  });

  it('suggests a code from the label as the gateway accepts it', () => {
    expect(codeFromLabel('Refund issued')).toBe('refund-issued');
    expect(codeFromLabel('  Não resolvido!  ')).toBe('nao-resolvido');
    expect(codeFromLabel('follow_up / call back')).toBe('follow_up-call-back');
  });

  it("adds or replaces a code in one brand's list, kept in code order", () => {
    const added = withCode(LISTS, 'perchair', { code: 'goodwill', label: 'Goodwill voucher', retired: false });
    expect(added[0]?.codes.map((code) => code.code)).toEqual(['escalated', 'goodwill', 'resolved']);
    expect(added[1]).toBe(LISTS[1]);
    const retired = withCode(LISTS, 'perchair', { code: 'resolved', label: 'Resolved', retired: true });
    expect(retired[0]?.codes).toEqual([
      { code: 'escalated', label: 'Escalated', retired: false },
      { code: 'resolved', label: 'Resolved', retired: true },
    ]);
  });

  it("takes a brand's list as the gateway answered it", () => {
    const updated = withBrand(LISTS, { brand: 'perchair', required: true, codes: [] });
    expect(updated.map((list) => [list.brand, list.required, list.codes.length])).toEqual([
      ['perchair', true, 0],
      ['acme_support', true, 1],
    ]);
  });
});
