import { type XApiPort } from '@perch/x-client';

/**
 * What the outbound worker does on X: the acting half of @perch/x-client's port (its errors are @perch/platform
 * errors: RetryableError for 429/5xx/network, PermanentError carrying X's detail for refusals). findTweet and
 * findDm are asked before acting again on a command whose previous holder vanished, since X has no
 * idempotency key of its own.
 */
export type XActionsPort = Pick<XApiPort, 'postTweet' | 'findTweet' | 'sendDm' | 'findDm' | 'follow' | 'unfollow'>;
