import type { SimulatorRuntime } from './simulator-runtime.types';
import type { SimulatorStats } from './x-simulator.types';

/** What sim.stats() and GET /admin/stats report. */
export function simulatorStats(runtime: SimulatorRuntime): SimulatorStats {
  const { store, stream, counters, webhooks } = runtime;
  return {
    requests: counters.requests,
    rateLimited: counters.rateLimited,
    tweetsCreated: store.tweetsCreated,
    tweetsByOrigin: { ...counters.tweetsByOrigin },
    streamDelivered: stream.delivered,
    streamConnectionsOpen: stream.openCount,
    streamConnectionsTotal: stream.connectionsTotal,
    streamConnectionsRefused: stream.connectionsRefused,
    keepAlivesSent: stream.keepAlivesSent,
    storedTweets: store.tweetCount(),
    accounts: store.userCount(),
    rules: store.ruleCount(),
    dmEventsCreated: store.dmEventsCreated,
    dmsByOrigin: { ...counters.dmsByOrigin },
    storedDmEvents: store.dmEventCount(),
    webhooks: webhooks.webhookCount,
    webhookSubscriptions: webhooks.subscriptionCount(),
    webhookDeliveries: webhooks.stats(),
  };
}
