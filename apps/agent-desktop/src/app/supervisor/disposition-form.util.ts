import type { BrandDispositions, DispositionCode } from '@perch/desktop-api';

// The disposition-codes page's rules, without React (unit-tested): the problems a new code or a rename shows before
// sending (the gateway answers 400 naming the same fields), a code suggested from its label, and the brands' lists
// after the gateway's answer.

/** The gateway's rule: what interactions keep, so lower-case and plain. */
const CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function labelProblem(label: string): string | null {
  const trimmed = label.trim();
  return trimmed === '' || trimmed.length > 100 ? 'A label of 1 to 100 characters' : null;
}

/** Field → problem for a new code; empty when it may be sent. */
export function newCodeProblems(form: { code: string; label: string }, existing: readonly DispositionCode[]): Record<string, string> {
  const problems: Record<string, string> = {};
  const code = form.code.trim();
  if (!CODE.test(code)) problems['code'] = '1-64 lower-case letters, digits, dashes or underscores, starting with a letter or digit';
  else if (existing.some((known) => known.code === code)) problems['code'] = `${code} is already in this brand's list`;
  const label = labelProblem(form.label);
  if (label) problems['label'] = label;
  return problems;
}

/** A code from a label as supervisors type it: "Refund issued" → refund-issued. */
export function codeFromLabel(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** The brands' lists with `code` added to or replaced in `brand`'s, codes sorted by code as the gateway lists them. */
export function withCode(lists: readonly BrandDispositions[], brand: string, code: DispositionCode): BrandDispositions[] {
  return lists.map((list) =>
    list.brand === brand ? { ...list, codes: [...list.codes.filter((known) => known.code !== code.code), code].sort((a, b) => a.code.localeCompare(b.code)) } : list,
  );
}

/** The brands' lists with one brand's list as the gateway answered it. */
export function withBrand(lists: readonly BrandDispositions[], updated: BrandDispositions): BrandDispositions[] {
  return lists.map((list) => (list.brand === updated.brand ? updated : list));
}
