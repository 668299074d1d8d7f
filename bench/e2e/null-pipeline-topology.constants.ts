import { ConsumerGroups, gatewayPushGroup, type TopicName, Topics } from '@perch/contracts';

// THE TOPOLOGY OF ONE TWEET'S PATH, for the null pipeline (the physical reference of bench:e2e). Keep it equal to
// what the apps subscribe to (grep `bus.subscribe(` in libs; group ids in libs/contracts consumer-groups.constants.ts):
// each service below becomes a bare forwarder with the same topics, the same consumer groups and the same fan-out.
// Partition counts come from the contracts (topicDefinition), as the apps' ensureTopics does.
//
//   ingestor ──▶ x.inbound.received.v1 ──[classifier]──▶ x.inbound.classified.v1 ──[router.classified]──▶
//   routing.interaction.v1 ×1 (an 'offered' carrying the interaction's 'created': the router creates and offers it in
//   one step, and its outbox relay folds the two into one message, ADR 35) ──▶ the gateway's groups on it (the offer
//   push is the end point; the others read every event too).
//
// One gateway replica (`bench`): with N replicas, the per-replica push group appears N times. The gateway reads
// routing.interaction.v1 in two groups (ADR 25): the shared one (projection, audit, counters) and its replica's push
// group (agents' and supervisors' pushes; one group for every topic it pushes from, ADR 34). bench:e2e compares
// this table with the groups the apps really run and says so when they differ.

/** Messages a forwarder writes to `topic` for each message it reads. */
export interface NullHop {
  topic: TopicName;
  perInput: number;
}

export interface NullSubscription {
  topic: TopicName;
  group: string;
  forwardTo?: readonly NullHop[];
  /** The group whose reading of the last message is "offer delivered": where the chain's time is taken. */
  endpoint?: true;
}

export interface NullService {
  service: string;
  subscriptions: readonly NullSubscription[];
}

const REPLICA = 'bench';

/** What the ingestor publishes per tweet read from X. */
export const NULL_PIPELINE_SOURCE: NullHop = { topic: Topics.InboundReceived, perInput: 1 };

export const NULL_PIPELINE_TOPOLOGY: readonly NullService[] = [
  {
    service: 'classifier',
    subscriptions: [{ topic: Topics.InboundReceived, group: ConsumerGroups.Classifier, forwardTo: [{ topic: Topics.InboundClassified, perInput: 1 }] }],
  },
  {
    service: 'router',
    subscriptions: [
      { topic: Topics.InboundClassified, group: ConsumerGroups.RouterClassified, forwardTo: [{ topic: Topics.InteractionLifecycle, perInput: 1 }] },
    ],
  },
  {
    service: 'gateway',
    subscriptions: [
      { topic: Topics.InteractionLifecycle, group: gatewayPushGroup(REPLICA), endpoint: true },
      { topic: Topics.InteractionLifecycle, group: ConsumerGroups.GatewayRouting },
    ],
  },
];

/** How many messages reach each topic for `inputs` source messages, following the fan-out above. */
export function expectedMessagesByTopic(inputs: number): Map<TopicName, number> {
  const counts = new Map<TopicName, number>([[NULL_PIPELINE_SOURCE.topic, inputs * NULL_PIPELINE_SOURCE.perInput]]);
  // The topology is a chain (each topic written by one forwarder): resolve it in a few passes.
  for (let pass = 0; pass < NULL_PIPELINE_TOPOLOGY.length + 1; pass += 1) {
    for (const service of NULL_PIPELINE_TOPOLOGY) {
      for (const subscription of service.subscriptions) {
        const read = counts.get(subscription.topic);
        if (read === undefined) continue;
        for (const hop of subscription.forwardTo ?? []) counts.set(hop.topic, read * hop.perInput);
      }
    }
  }
  return counts;
}

/** The consumer groups the topology gives each topic it reads (for comparison with the groups the apps really run). */
export function nullGroupsByTopic(): Map<TopicName, string[]> {
  const out = new Map<TopicName, string[]>();
  for (const service of NULL_PIPELINE_TOPOLOGY) {
    for (const subscription of service.subscriptions) out.set(subscription.topic, [...(out.get(subscription.topic) ?? []), subscription.group].sort());
  }
  return out;
}
