import { type Classification, type InboundMessage } from '@perch/contracts';

import { CHANNELS, MAX_PRIORITY } from './routing.constants';
import { type Channel } from './routing.types';

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

/**
 * Queue order, lower first (kept identical in the Lua scripts): `createdAt - priority * agingStepMs`.
 * Priority first, then age, with aging built in: an interaction of priority p created at t is served
 * before one of priority q created at u exactly when t - p * step < u - q * step (equal scores: by id).
 * So waiting one step is worth one priority level, nothing waits unboundedly behind newer, more urgent
 * work, and no score ever needs recomputing as time passes.
 */
export function queueScore(priority: number, createdAt: number, agingStepMs: number): number {
  return createdAt - priority * agingStepMs;
}

/** The channel whose capacity an interaction uses: `dm` when its first message is a DM, else `public`. */
export function channelOf(message: Pick<InboundMessage, 'kind'>): Channel {
  return message.kind === 'dm' ? 'dm' : 'public';
}

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

export function isValidPriority(priority: number): boolean {
  return Number.isInteger(priority) && priority >= 0 && priority <= MAX_PRIORITY;
}
