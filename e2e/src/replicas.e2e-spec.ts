import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type EventEnvelope, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { e2eNamespace, EventTap, freePort, type PerchApp, type PerchCluster, serviceEnv, startPerchCluster, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { WorkingAgent } from './support/working-agent.fixtures';

const APPS: readonly PerchApp[] = ['router', 'classifier', 'gateway', 'ingestor'];
const TWEETS = 240;
const DMS = 12;
const AGENTS = 8;

/** One figure from a process's /metrics (its internal port): the gauge's value, labels ignored. */
async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} is not on :${port}/metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The JSON log lines of one process whose msg is `msg`. */
function logLines(file: string, msg: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function share(parts: number[]): number[] {
  const total = parts.reduce((a, b) => a + b, 0);
  return parts.map((p) => (total === 0 ? 0 : Math.round((p / total) * 1000) / 1000));
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

// Two replicas of every app on one broker, Redis and PostgreSQL, with agents on both gateways: the work is shared
// between the replicas of each app, and nothing a customer or X can see happens twice.
describe('two replicas of every app', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const consumerSecret = randomBytes(32).toString('hex');
  const simulator = new XSimulator({
    seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] },
    consumerSecret,
    // The brand answers a few hundred customers in a minute: more than X's per-user posting window allows.
    rateLimits: 'unlimited',
  });
  const namespace = e2eNamespace('replicas');
  let cluster: PerchCluster | undefined;
  let tap: EventTap | undefined;
  const agents: WorkingAgent[] = [];
  const lifecycle: EventEnvelope<InteractionLifecyclePayload>[] = [];

  const running = (): PerchCluster => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };
  /** One figure from every replica of an app, in replica order. */
  const perReplica = (app: PerchApp, name: string): Promise<number[]> =>
    Promise.all(running().replicaInternalPorts[app].map((port) => metric(port, name)));

  beforeAll(async () => {
    const simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    const { kafkaBrokers, redisUrl, databaseUrl } = serviceEnv();
    const accounts = Array.from({ length: AGENTS }, (_, i) => ({ id: `agent${i + 1}`, password: `pw-${i + 1}-${randomUUID()}` }));
    cluster = await startPerchCluster({
      kafkaBrokers,
      redisUrl,
      databaseUrl,
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      agents: accounts.map((a) => ({ ...a, capacity: 4, brands: [brand] })),
      webhookConsumerSecret: consumerSecret,
      replicas: { router: 2, classifier: 2, gateway: 2, ingestor: 2 },
      // Every offer is taken at once: a re-offer after a timeout would only mean a slow machine.
      env: { router: { ROUTER_OFFER_TIMEOUT_MS: '120000' } },
    });
    tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'e2e-replicas-tap' });
    await tap.bus.subscribe(Topics.InteractionLifecycle, 'e2e-replicas-tap-lifecycle', async (e) => void lifecycle.push(e), { fromBeginning: true });
    // Half the agents on each gateway.
    const urls = cluster.gatewayUrls;
    for (const [i, account] of accounts.entries()) {
      agents.push(await WorkingAgent.start(urls[i % urls.length] as string, account.id, account.password));
    }
  }, 150_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await tap?.close();
    await cluster?.stop();
    await simulator.stop();
  });

  it('shares every app’s work between its replicas and hands out, answers and completes each message exactly once', async () => {
    const started = Date.now();
    const c = running();
    // The standby ingestor waits: exactly one replica leads (stream and polls) and X has the webhook.
    await waitFor('one leading ingestor with its stream up', async () => {
      const leaders = await perReplica('ingestor', 'perch_leadership_leader');
      const connected = await perReplica('ingestor', 'perch_stream_connected');
      const registered = await perReplica('ingestor', 'perch_webhook_registration_registered');
      const leader = leaders.indexOf(1);
      return leaders.filter((l) => l === 1).length === 1 && connected[leader] === 1 && registered.some((r) => r === 1);
    }, 60_000, 250);
    const classifiedBefore = await perReplica('classifier', 'perch_bus_handled');
    const routedBefore = await perReplica('router', 'perch_bus_handled');

    // Customers tweet at the brand (and a few DM it), each a new customer: one interaction per message.
    const tweetIds: string[] = [];
    const dmIds: string[] = [];
    const dmCustomers: string[] = [];
    for (let i = 0; i < TWEETS + DMS; i += 1) {
      const customer = `cust_${i}_${randomUUID().slice(0, 6)}`;
      simulator.createAccount({ username: customer, kind: 'customer', followersCount: 321, tweetCount: 1234, followsBrand: [brand] });
      if (i % Math.floor((TWEETS + DMS) / DMS) === 0 && dmIds.length < DMS) {
        dmIds.push(simulator.sendDirectMessage({ fromUsername: customer, toUsername: brand, text: `Hi, my card was charged twice for order #${1000 + i}. Refund one?` }).id);
        dmCustomers.push(customer);
      } else {
        tweetIds.push(simulator.createTweet({ authorUsername: customer, text: `@${brand} my order #${1000 + i} is two weeks late and nobody answers. Where is it? Awful service.` }).id);
      }
      // A steady stream rather than one burst, so both replicas of each app are busy at the same time.
      if (i % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const total = tweetIds.length + dmIds.length;
    expect(total).toBe(TWEETS + DMS);

    // Only one ingestor leads at any moment while the messages flow through.
    const leaderCounts: number[] = [];
    const done = (): number => agents.reduce((n, a) => n + a.completed.length, 0);
    await waitFor(`${total} interactions completed by the agents`, async () => {
      leaderCounts.push((await perReplica('ingestor', 'perch_leadership_leader')).reduce((a, b) => a + b, 0));
      const problems = agents.flatMap((a) => a.problems);
      if (problems.length > 0) throw new Error(`agents ran into problems: ${problems.slice(0, 5).join('; ')}`);
      return done() >= total;
    }, 150_000, 250);
    const completedAt = Date.now();
    // Late duplicates (a redelivery after a rebalance) would show within a moment: wait for the lifecycle to settle.
    await waitFor('every completion on the lifecycle topic', () => lifecycle.filter((e) => e.payload.type === 'completed').length >= total, 30_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    // Every message became exactly one interaction, offered, accepted and completed once (the router's own events).
    const created = lifecycle.filter((e) => e.payload.type === 'created');
    const createdPerMessage = countBy(created, (e) => e.payload.message?.messageId ?? 'none');
    expect([...createdPerMessage.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(created.map((e) => e.payload.message?.messageId))).toEqual(new Set([...tweetIds, ...dmIds]));
    const interactionIds = new Set(created.map((e) => e.payload.interactionId));
    expect(interactionIds.size).toBe(total);
    for (const type of ['offered', 'accepted', 'completed'] as const) {
      const perInteraction = countBy(lifecycle.filter((e) => e.payload.type === type), (e) => e.payload.interactionId);
      expect({ type, notOnce: [...interactionIds].filter((id) => perInteraction.get(id) !== 1) }).toEqual({ type, notOnce: [] });
      expect({ type, strangers: [...perInteraction.keys()].filter((id) => !interactionIds.has(id)) }).toEqual({ type, strangers: [] });
    }
    // Queued while every agent was busy, at most: never declined, timed out or moved.
    expect(lifecycle.filter((e) => !['created', 'queued', 'offered', 'accepted', 'completed'].includes(e.payload.type)).map((e) => e.payload.type)).toEqual([]);
    expect(agents.flatMap((a) => a.problems)).toEqual([]);
    const offers = agents.flatMap((a) => a.offers.map((o) => ({ ...o, gateway: c.gatewayUrls.indexOf(a.gatewayUrl) })));
    expect(offers).toHaveLength(total);

    // On X: one reply to each customer tweet and one DM to each DM's customer, none twice.
    const replies = simulator.tweetsOf(brand, 10_000).filter((t) => t.inReplyToTweetId !== undefined);
    const repliesPerTweet = countBy(replies, (t) => t.inReplyToTweetId ?? '');
    expect(replies).toHaveLength(TWEETS);
    expect(tweetIds.filter((id) => repliesPerTweet.get(id) !== 1)).toEqual([]);
    const brandDms = simulator.directMessages(brand, 10_000).filter((m) => m.senderUsername === brand);
    expect(brandDms).toHaveLength(DMS);
    expect([...countBy(brandDms, (m) => m.recipientUsername).entries()].sort()).toEqual(dmCustomers.map((u) => [u, 1] as const).sort());

    // The audit log keeps each routing decision and each effect on X once.
    const { databaseUrl } = serviceEnv();
    const exported = spawnSync(process.execPath, [join(process.cwd(), 'dist/apps/gateway/src/cli/export-audit.cli.js')], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PERCH_NAMESPACE: namespace },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect({ status: exported.status, stderr: exported.status === 0 ? '' : exported.stderr }).toEqual({ status: 0, stderr: '' });
    const audit = exported.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { action: string; code?: string; outcome: string; interactionId?: string });
    for (const [action, code] of [['routing', 'accepted'], ['routing', 'completed'], ['x-effect', undefined]] as const) {
      const entries = audit.filter((e) => e.action === action && (code === undefined || e.code === code) && e.interactionId !== undefined);
      const perInteraction = countBy(entries, (e) => e.interactionId ?? '');
      expect({ action, code, notOnce: [...interactionIds].filter((id) => perInteraction.get(id) !== 1) }).toEqual({ action, code, notOnce: [] });
      expect(entries.every((e) => e.outcome === 'succeeded')).toBe(true);
    }

    // The work was shared. Classifier: the events each replica handled (it reads one topic).
    const classified = (await perReplica('classifier', 'perch_bus_handled')).map((n, i) => n - (classifiedBefore[i] ?? 0));
    // Router: the classified messages and agents' commands each replica handled, and the offers each one decided.
    const routed = (await perReplica('router', 'perch_bus_handled')).map((n, i) => n - (routedBefore[i] ?? 0));
    const offeredBy = new Map<string, number>();
    const offersByRouter = c.replicaServices.router.map((router, r) => {
      const lines = logLines(router.logFile, 'interaction offered');
      for (const line of lines) offeredBy.set(String(line['interactionId']), r);
      return lines.length;
    });
    // Gateway: what each replica's outbound worker carried out on X (the gateway's bus counters mix in the fan-out
    // every replica handles, so its log is the per-replica figure).
    const carriedOut = await waitFor('every answer in the gateways’ logs', () => {
      const counts = c.replicaServices.gateway.map((gateway) => logLines(gateway.logFile, 'carried out on X').length);
      return counts.reduce((a, b) => a + b, 0) >= total ? counts : undefined;
    }, 10_000, 200);
    // Ingestor: one replica led throughout and read the stream; the other stood by.
    const leaders = await perReplica('ingestor', 'perch_leadership_leader');
    const acquired = await perReplica('ingestor', 'perch_leadership_acquired');
    const lost = await perReplica('ingestor', 'perch_leadership_lost');
    const streamed = await perReplica('ingestor', 'perch_stream_tweets');
    const leader = leaders.indexOf(1);

    // Push fan-out across replicas: agents on each gateway got offers decided by each router.
    const crossing = [0, 1].flatMap((router) => [0, 1].map((gateway) => ({ router, gateway, offers: offers.filter((o) => o.gateway === gateway && offeredBy.get(o.interactionId) === router).length })));
    const figures = {
      seconds: { total: Math.round((Date.now() - started) / 100) / 10, flow: Math.round((completedAt - started) / 100) / 10 },
      pids: Object.fromEntries(APPS.map((app) => [app, c.replicaServices[app].map((s) => s.pid)])),
      classifierHandled: classified,
      classifierShare: share(classified),
      routerHandled: routed,
      routerShare: share(routed),
      routerOffers: offersByRouter,
      gatewayCarriedOut: carriedOut,
      gatewayShare: share(carriedOut),
      offersPerGateway: [0, 1].map((g) => offers.filter((o) => o.gateway === g).length),
      crossing,
      ingestor: { leaders, acquired, lost, streamed, leaderCountsSeen: [...new Set(leaderCounts)] },
    };
    process.stdout.write(`replica figures ${JSON.stringify(figures)}\n`);

    for (const [what, parts] of [['classifier', classified], ['router', routed], ['router offers', offersByRouter], ['gateway outbound', carriedOut]] as const) {
      expect({ what, sharedByBoth: parts.every((p) => p > 0) }).toEqual({ what, sharedByBoth: true });
      expect({ what, noneOver90: share([...parts]).every((s) => s <= 0.9) }).toEqual({ what, noneOver90: true });
    }
    expect(classified.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(total);
    // Each answer carried out once: a redelivered command finds its result and does not post again.
    expect(carriedOut.reduce((a, b) => a + b, 0)).toBe(total);
    expect(offersByRouter.reduce((a, b) => a + b, 0)).toBe(total);
    for (const cell of crossing) expect({ ...cell, offers: cell.offers > 0 }).toEqual({ ...cell, offers: true });
    expect(leaderCounts.every((n) => n === 1)).toBe(true);
    expect(leader).toBeGreaterThanOrEqual(0);
    expect(acquired).toEqual(leaders);
    expect(lost).toEqual([0, 0]);
    expect(streamed[leader]).toBeGreaterThanOrEqual(TWEETS);
    expect(streamed[1 - leader]).toBe(0);
  });
});
