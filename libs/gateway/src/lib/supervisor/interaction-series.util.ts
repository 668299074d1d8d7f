import { ValidationFailedError } from '@perch/platform';

import { SERIES_COUNTERS, type SeriesFact } from './interaction-series-store.port';

// Both adapters refuse the same bad facts, so the contract suite sees the same errors.
export function assertValidSeriesFact(fact: SeriesFact): void {
  const problems: { field: string; messages: string[] }[] = [];
  if (fact.interactionId.length === 0) problems.push({ field: 'interactionId', messages: ['must not be empty'] });
  if (fact.mark.length === 0) problems.push({ field: 'mark', messages: ['must not be empty'] });
  if (!Number.isSafeInteger(fact.at) || fact.at < 0) problems.push({ field: 'at', messages: ['must be ms since epoch'] });
  for (const [name, value] of Object.entries(fact.add)) {
    if (!(SERIES_COUNTERS as readonly string[]).includes(name)) problems.push({ field: `add.${name}`, messages: ['is not a counter'] });
    else if (!Number.isSafeInteger(value) || (value ?? 0) < 0) problems.push({ field: `add.${name}`, messages: ['must be a non-negative integer'] });
  }
  if (problems.length > 0) throw new ValidationFailedError('Invalid series fact', problems);
}
