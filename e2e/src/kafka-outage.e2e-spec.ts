import { KafkaBrokerProcess } from '@perch/testing';

import { OutageStage } from './support/outage-stage.fixtures';

// The Kafka broker crashes (SIGKILL) in the middle of traffic and stays down for a minute (issue 8: "a 60 s broker
// outage"), then comes back on its own log. The apps run as processes on this test's own broker (the shared one is
// never stopped). Tweets made while it is down wait at X (the ingestor's poll cursor does not move past what it
// could not publish); replies and completions asked for just before wait in the apps' retries. Afterwards every
// tweet reaches the agent and every reply is on X exactly once, checked against the simulator's own record.

/** How long the broker stays down; PERCH_FAULT_OUTAGE_MS shortens it for a quick local run. */
const OUTAGE_MS = Number(process.env['PERCH_FAULT_OUTAGE_MS'] ?? 61_000);

describe('Kafka broker crash and a minute down', () => {
  let broker: KafkaBrokerProcess | undefined;
  let stage: OutageStage | undefined;

  beforeAll(async () => {
    broker = await KafkaBrokerProcess.start();
    stage = await OutageStage.start({
      name: 'kafka-outage',
      kafkaBrokers: broker.brokers,
      agentCapacity: 12,
      env: { ingestor: { INGESTOR_MENTIONS_POLL_MS: '1000' } },
    });
  }, 240_000);

  afterAll(async () => {
    await stage?.stop();
    await broker?.dispose();
  }, 120_000);

  it(
    'takes every tweet to the agent and every reply to X exactly once across a broker crash and a minute down',
    async () => {
      if (!broker || !stage) throw new Error('not started');
      const on = stage;
      // Every consumer group of every app rejoins the broker after it comes back: the first offers take a while.
      const serve = (tweetId: string) => on.serve(tweetId, 120_000);
      const before = ['my parcel is lost', 'refund still missing'].map((t) => on.customerTweet(t));
      await Promise.all(before.map((id) => serve(id)));

      // Replies asked for, then the broker dies under them; customers keep tweeting while it is gone.
      await broker.kill();
      const during = ['where is my order?', 'charged twice this month', 'login broken again'].map((t) => on.customerTweet(t));
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await broker.start();

      const after = ['still waiting on support', 'wrong item delivered'].map((t) => on.customerTweet(t));
      await Promise.all([...during, ...after].map((id) => serve(id)));

      const all = [...before, ...during, ...after];
      await on.waitForReplies(all, 90_000);
      // Give a duplicate post time to show up, then check there is none.
      expect(await on.replyCountsAfterSettling(all)).toEqual(all.map(() => 1));
      expect(on.describeDeadLetters()).toBe('none');
    },
    OUTAGE_MS + 300_000,
  );
});
