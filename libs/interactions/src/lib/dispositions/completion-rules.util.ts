import { type FieldProblem } from '@perch/platform';

import { type BrandDispositions } from './disposition-store.port';

/** A note on done at most this long (characters). */
export const NOTE_MAX_LENGTH = 2000;
/** A disposition code at most this long. */
export const DISPOSITION_CODE_MAX_LENGTH = 64;

/**
 * What is wrong with closing an interaction of this brand with this disposition and note (empty: nothing). A
 * disposition must be one of the brand's live codes (a brand without codes accepts none); a brand that requires one
 * refuses done without it; a note, when given, must say something and fit NOTE_MAX_LENGTH.
 */
export function completionProblems(brand: BrandDispositions, input: { disposition?: string | undefined; note?: string | undefined }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const allowed: string[] = [];
  for (const code of brand.codes) if (!code.retired) allowed.push(code.code);
  const listed = allowed.length === 0 ? `@${brand.brand} has no disposition codes` : `one of ${allowed.join(', ')}`;
  if (input.disposition === undefined || input.disposition === '') {
    if (brand.required) problems.push({ field: 'disposition', messages: [`a disposition is required before done for @${brand.brand}: ${listed}`] });
  } else if (!allowed.includes(input.disposition)) {
    const retired = brand.codes.some((code) => code.retired && code.code === input.disposition);
    problems.push({
      field: 'disposition',
      messages: [`${retired ? 'retired' : 'unknown'} disposition "${input.disposition.slice(0, DISPOSITION_CODE_MAX_LENGTH)}": ${listed}`],
    });
  }
  if (input.note !== undefined) {
    if (!/\S/.test(input.note)) problems.push({ field: 'note', messages: ['note must not be empty or only spaces; leave it out instead'] });
    else if (input.note.length > NOTE_MAX_LENGTH) problems.push({ field: 'note', messages: [`note must be at most ${NOTE_MAX_LENGTH} characters (${input.note.length} given)`] });
  }
  return problems;
}
