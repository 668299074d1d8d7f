import { freePort, serviceEnv, TcpProxy, waitFor } from '@perch/testing';

import { OutageStage } from './support/outage-stage.fixtures';
import { within } from './support/within.util';

// The gateway loses PostgreSQL for a minute in the middle of traffic (issue 8: "a short PostgreSQL failover
// dead-letters accepts, completions and projections"). The gateway reaches the shared PostgreSQL through this
// test's TCP proxy, which is shut for the outage: open connections dropped, new ones refused. Completions and
// replies already on their way, and new customer tweets, reach the gateway's projector meanwhile; it must wait
// the outage out, never dead-letter. Checked against the simulator's own record and the interaction views.

/** How long PostgreSQL stays unreachable; PERCH_FAULT_OUTAGE_MS shortens it for a quick local run (20 s at least: the offers must come and be accepted within it). */
const OUTAGE_MS = Number(process.env['PERCH_FAULT_OUTAGE_MS'] ?? 61_000);

describe('PostgreSQL unreachable for a minute', () => {
  let proxy: TcpProxy | undefined;
  let stage: OutageStage | undefined;

  beforeAll(async () => {
    const { databaseUrl } = serviceEnv();
    const target = new URL(databaseUrl);
    proxy = new TcpProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    stage = await OutageStage.start({
      name: 'pg-outage',
      agentCapacity: 12,
      env: { gateway: { DATABASE_URL: proxy.rewrite(databaseUrl) }, ingestor: { INGESTOR_MENTIONS_POLL_MS: '1000' } },
    });
  }, 120_000);

  afterAll(async () => {
    await proxy?.open();
    await stage?.stop();
    await proxy?.shut();
  }, 120_000);

  it(
    'keeps every interaction, completion and reply, posts each reply once and dead-letters nothing',
    async () => {
      if (!proxy || !stage) throw new Error('not started');
      const on = stage;
      const agent = on.desk;
      const done = async (interactionId: string): Promise<void> => {
        const answer = await agent.api('POST', `/api/interactions/${interactionId}/done`, { disposition: 'resolved', note: 'handled across the outage' });
        if (answer.status !== 202) throw new Error(`done: ${answer.status} ${JSON.stringify(answer.body)}`);
      };
      const before = ['my parcel is lost', 'refund still missing', 'app keeps crashing'].map((t) => on.customerTweet(t));
      // X answers these replies slowly, so their outcomes reach the gateway once PostgreSQL is gone, ahead of the offers
      // below on the gateway's push group. Those pushes write the transcript first; retried in place, they once held
      // the offers behind them until the offers expired (ADR 38).
      on.simulator.injectHttpFaults({ latencyMs: 3_000 });
      const servedBefore = await Promise.all(before.map((id) => on.serve(id)));
      // Completions asked for just before the line goes down: their events reach the projector during the outage.
      await Promise.all(servedBefore.map((id) => done(id)));
      await proxy.shut();
      const outageEndsAt = Date.now() + OUTAGE_MS;
      // Calls already made keep their delay; the rest of the journey talks to a prompt X.
      on.simulator.clearHttpFaults();
      await on.waitForReplies(before, 30_000);

      // New customers keep writing: ingested, classified, routed and offered while the gateway cannot store them,
      // and the agent takes the offers as they come (the router decides from Redis, not from PostgreSQL).
      const during = ['where is my order?', 'charged twice this month', 'login broken again'].map((t) => on.customerTweet(t));
      const acceptedDuring = Promise.all(
        during.map(async (tweetId) => {
          const offer = await within('an offer during the outage', agent.socket.next('offer', (o) => o.messageId === tweetId), OUTAGE_MS + 30_000);
          agent.socket.send({ type: 'accept', interactionId: offer.interactionId, offerId: offer.offerId });
          await within('the accepted interaction', agent.socket.next('interaction-accepted', (m) => m.interaction.id === offer.interactionId), OUTAGE_MS + 60_000);
          return { id: offer.interactionId, acceptedWhileDown: Date.now() < outageEndsAt };
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, outageEndsAt - Date.now()));
      await proxy.open();

      const accepted = await acceptedDuring;
      // Offered, accepted and opened on the desktop while PostgreSQL was still away.
      expect(accepted.map((a) => a.acceptedWhileDown)).toEqual(during.map(() => true));
      const duringIds = accepted.map((a) => a.id);
      await Promise.all(duringIds.map((id, index) => agent.reply(id, `Sorry about that, we are on it (${during[index] ?? ''}).`)));
      const after = ['still waiting on support', 'wrong item delivered'].map((t) => on.customerTweet(t));
      const servedLater = [...duringIds, ...(await Promise.all(after.map((id) => on.serve(id))))];

      const all = [...before, ...during, ...after];
      expect(new Set([...servedBefore, ...servedLater]).size).toBe(all.length);
      await on.waitForReplies(all, 60_000);
      // The completions that crossed the outage are in the store: the view says completed, with the disposition.
      await waitFor('the completions projected after the outage', async () => {
        const views = await Promise.all(servedBefore.map((id) => agent.api('GET', `/api/interactions/${id}`)));
        return views.every((v) => v.status === 200 && (v.body as { state?: string }).state === 'completed');
      }, 60_000);
      const view = await agent.api('GET', `/api/interactions/${servedBefore[0] ?? ''}`);
      expect(view.body).toMatchObject({ state: 'completed', completion: { disposition: 'resolved', note: 'handled across the outage' } });
      // Give a duplicate post time to show up, then check there is none.
      expect(await on.replyCountsAfterSettling(all)).toEqual(all.map(() => 1));
      expect(on.describeDeadLetters()).toBe('none');
    },
    OUTAGE_MS + 240_000,
  );
});
