// Baseline for the outbound figure: the same replies posted with twitter-api-v2 alone (no Kafka, no Redis claims,
// no budget, no events), one sequential stream per brand as the outbound worker posts them (its topic is keyed by
// brand account). Perch's rate divided by this one is the share of X's speed the gateway keeps.
import { performance } from 'node:perf_hooks';

import { createTwitterClient } from '@perch/x-client';

export interface RawReply {
  brandToken: string;
  inReplyToTweetId: string;
  text: string;
}

export interface RawXPostsResult {
  repliesPerSecond: number;
  posted: number;
  elapsedMs: number;
}

export async function measureRawXPosts(apiBaseUrl: string, replies: readonly RawReply[]): Promise<RawXPostsResult> {
  const byBrand = new Map<string, RawReply[]>();
  for (const reply of replies) byBrand.set(reply.brandToken, [...(byBrand.get(reply.brandToken) ?? []), reply]);
  let posted = 0;
  const startedAt = performance.now();
  await Promise.all(
    [...byBrand.entries()].map(async ([token, queue]) => {
      const client = createTwitterClient({ token, apiBaseUrl });
      for (const reply of queue) {
        await client.v2.tweet(reply.text, { reply: { in_reply_to_tweet_id: reply.inReplyToTweetId } });
        posted += 1;
      }
    }),
  );
  const elapsedMs = performance.now() - startedAt;
  return { repliesPerSecond: Math.round((posted / elapsedMs) * 1000), posted, elapsedMs: Math.round(elapsedMs) };
}
