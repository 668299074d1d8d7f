import { ValidationFailedError } from '@perch/platform';

import { type CounterFact, QUEUE_COUNTERS } from './queue-counter-store.port';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

// Both adapters refuse the same bad facts, so the contract suite sees the same errors.
export function assertValidFact(fact: CounterFact): void {
  const problems: { field: string; messages: string[] }[] = [];
  if (fact.interactionId.length === 0) problems.push({ field: 'interactionId', messages: ['must not be empty'] });
  if (fact.mark.length === 0) problems.push({ field: 'mark', messages: ['must not be empty'] });
  if (!DAY.test(fact.day)) problems.push({ field: 'day', messages: ['must be YYYY-MM-DD'] });
  for (const [name, value] of Object.entries(fact.add)) {
    if (!(QUEUE_COUNTERS as readonly string[]).includes(name)) problems.push({ field: `add.${name}`, messages: ['is not a counter'] });
    else if (!Number.isSafeInteger(value) || (value ?? 0) < 0) problems.push({ field: `add.${name}`, messages: ['must be a non-negative integer'] });
  }
  if (problems.length > 0) throw new ValidationFailedError('Invalid counter fact', problems);
}
