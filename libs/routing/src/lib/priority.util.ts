import { type Classification } from '@perch/contracts';

import { MAX_PRIORITY, PRIORITY_WEIGHT } from './routing.constants';

/**
 * Priority rule (higher is served first; age breaks ties):
 * 3 actionable and negative (an unhappy customer who needs something done),
 * 2 actionable, 1 actionability undeclared (the classifier could not tell: a human should look soon),
 * 0 not actionable (praise, chatter).
 */
export function priorityOf(classification: Classification): number {
  switch (classification.actionability) {
    case 'actionable':
      return classification.sentiment === 'negative' ? 3 : 2;
    case 'undeclared':
      return 1;
    case 'not-actionable':
      return 0;
  }
}

/** Lower first: higher priority wins, then the older interaction. Kept identical in the Lua scripts. */
export function queueScore(priority: number, createdAt: number): number {
  return -priority * PRIORITY_WEIGHT + createdAt;
}

export function isValidPriority(priority: number): boolean {
  return Number.isInteger(priority) && priority >= 0 && priority <= MAX_PRIORITY;
}
