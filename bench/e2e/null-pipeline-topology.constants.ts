import { ConsumerGroups, gatewayPushGroup, type TopicName, Topics } from '@perch/contracts';

// THE TOPOLOGIES OF ONE TWEET'S PATH, for bench:e2e's physical references: every service replaced by a bare forwarder
// with the same topics, consumer groups and fan-out. Keep them equal to what the apps subscribe to (grep
// `bus.subscribe(` in libs; group ids in libs/contracts consumer-groups.constants.ts); bench:e2e compares them with the
// groups the apps really run and says so when they differ. Partition counts come from the contracts (topicDefinition),
// as the apps' ensureTopics does.
//
// A tweet is a tree of STAGES: each stage is one message on one topic, read by every group subscribed to that topic;
// one of those groups (`next.by`) writes the next stages. A message carries its stage in its first character, so one
// group reading a topic at several stages (the router's commands: accept, then done) knows what to write next.
//
// THE PIPELINE (ingest → offer):
//   ingestor ─▶ received ─[classifier]─▶ classified ─[router.classified]─▶ routing.interaction.v1 'offered' (carrying
//   its 'created', ADR 35) ─▶ the gateway's two groups on it: the shared one (projection, audit, counters, ADR 25) and
//   its replica's push group (agents' and supervisors' pushes for every topic it pushes from, ADR 34). The offer push is
//   the end point.
//
// THE HANDLED LOOP (bench:e2e's handled phase: the agent accepts, replies and finishes at once): after 'offered', the
//   agent's accept on the socket is a command (agent.command.v1, router.commands) and the router announces 'accepted';
//   then the agent's reply (x.outbound.requested.v1, the outbound worker, which answers on x.outbound.completed.v1) and
//   done (a command, then 'completed'), both sent as the accept comes back. 9 messages produced and 13 delivered per
//   tweet, what the apps' handled phase writes (`phases.handled.messagesPerTweet`). The push group's reading of every
//   stage it sees is the end point.
//
// One gateway replica (`bench`): with N replicas, the per-replica push group appears N times.

export const NULL_STAGES = ['received', 'classified', 'offered', 'accept', 'accepted', 'reply', 'replied', 'done', 'completed'] as const;
export type NullStageName = (typeof NULL_STAGES)[number];

export interface NullStage {
  topic: TopicName;
  /** The group whose reading of this stage writes the next ones (none: a leaf). */
  next?: { by: string; stages: readonly NullStageName[] };
}

export interface NullSubscription {
  group: string;
  topics: readonly TopicName[];
  /** The group whose reading of every stage it sees is the end of the chain: where the time is taken. */
  endpoint?: true;
}

export interface NullService {
  service: string;
  subscriptions: readonly NullSubscription[];
}

export interface NullTopology {
  name: 'pipeline' | 'handledLoop';
  /** The stage the ingestor writes per tweet read from X. */
  source: NullStageName;
  stages: Readonly<Partial<Record<NullStageName, NullStage>>>;
  services: readonly NullService[];
}

const REPLICA = 'bench';
const PUSH = gatewayPushGroup(REPLICA);

/** Both topologies start the same way: ingest, classify, route. */
const TO_THE_ROUTER: NullTopology['stages'] = {
  received: { topic: Topics.InboundReceived, next: { by: ConsumerGroups.Classifier, stages: ['classified'] } },
  classified: { topic: Topics.InboundClassified, next: { by: ConsumerGroups.RouterClassified, stages: ['offered'] } },
};
const CLASSIFIER: NullService = { service: 'classifier', subscriptions: [{ group: ConsumerGroups.Classifier, topics: [Topics.InboundReceived] }] };

export const NULL_PIPELINE_TOPOLOGY: NullTopology = {
  name: 'pipeline',
  source: 'received',
  stages: { ...TO_THE_ROUTER, offered: { topic: Topics.InteractionLifecycle } },
  services: [
    CLASSIFIER,
    { service: 'router', subscriptions: [{ group: ConsumerGroups.RouterClassified, topics: [Topics.InboundClassified] }] },
    {
      service: 'gateway',
      subscriptions: [
        { group: PUSH, topics: [Topics.InteractionLifecycle], endpoint: true },
        { group: ConsumerGroups.GatewayRouting, topics: [Topics.InteractionLifecycle] },
      ],
    },
  ],
};

export const NULL_HANDLED_LOOP_TOPOLOGY: NullTopology = {
  name: 'handledLoop',
  source: 'received',
  stages: {
    ...TO_THE_ROUTER,
    // The offer reaches the agent through the push group; the accept comes back as a command.
    offered: { topic: Topics.InteractionLifecycle, next: { by: PUSH, stages: ['accept'] } },
    accept: { topic: Topics.AgentCommand, next: { by: ConsumerGroups.RouterCommands, stages: ['accepted'] } },
    // The agent sends the reply and done as soon as the accept is confirmed on the socket.
    accepted: { topic: Topics.InteractionLifecycle, next: { by: PUSH, stages: ['reply', 'done'] } },
    reply: { topic: Topics.OutboundRequested, next: { by: ConsumerGroups.Outbound, stages: ['replied'] } },
    replied: { topic: Topics.OutboundCompleted },
    done: { topic: Topics.AgentCommand, next: { by: ConsumerGroups.RouterCommands, stages: ['completed'] } },
    completed: { topic: Topics.InteractionLifecycle },
  },
  services: [
    CLASSIFIER,
    {
      service: 'router',
      subscriptions: [
        { group: ConsumerGroups.RouterClassified, topics: [Topics.InboundClassified] },
        { group: ConsumerGroups.RouterCommands, topics: [Topics.AgentCommand] },
      ],
    },
    {
      service: 'gateway',
      subscriptions: [
        { group: PUSH, topics: [Topics.InteractionLifecycle, Topics.OutboundCompleted], endpoint: true },
        { group: ConsumerGroups.GatewayRouting, topics: [Topics.InteractionLifecycle] },
        { group: ConsumerGroups.Outbound, topics: [Topics.OutboundRequested] },
        { group: ConsumerGroups.GatewayReplies, topics: [Topics.OutboundCompleted] },
      ],
    },
  ],
};

/** The character a message of `stage` starts with. */
export function stageMark(stage: NullStageName): string {
  return String.fromCharCode(65 + NULL_STAGES.indexOf(stage));
}

/** The stage a message's first character names (undefined: not one of ours). */
export function stageOf(value: string): NullStageName | undefined {
  return NULL_STAGES[value.charCodeAt(0) - 65];
}

/** What `group` writes when it reads each stage (the next stages' topics and marks); stages it does not forward are absent. */
export function writesOf(stages: NullTopology['stages'], group: string): Map<NullStageName, { topic: TopicName; mark: string }[]> {
  const out = new Map<NullStageName, { topic: TopicName; mark: string }[]>();
  for (const name of NULL_STAGES) {
    const next = stages[name]?.next;
    if (next?.by !== group) continue;
    const writes: { topic: TopicName; mark: string }[] = [];
    for (const stage of next.stages) {
      const topic = stages[stage]?.topic;
      if (!topic) throw new Error(`stage ${name} leads to ${stage}, which has no topic`);
      writes.push({ topic, mark: stageMark(stage) });
    }
    out.set(name, writes);
  }
  return out;
}

/** Every stage one source message becomes, with repeats (a stage reached twice counts twice). */
export function stagesPerSource(topology: NullTopology): NullStageName[] {
  const out: NullStageName[] = [];
  const visit = (stage: NullStageName, depth: number): void => {
    if (depth > NULL_STAGES.length) throw new Error(`the ${topology.name} topology loops at ${stage}`);
    const definition = topology.stages[stage];
    if (!definition) throw new Error(`the ${topology.name} topology has no stage ${stage}`);
    out.push(stage);
    for (const next of definition.next?.stages ?? []) visit(next, depth + 1);
  };
  visit(topology.source, 0);
  return out;
}

/** Messages produced on each topic per source message (the source's own included). */
export function producedPerSource(topology: NullTopology): Map<TopicName, number> {
  const out = new Map<TopicName, number>();
  for (const stage of stagesPerSource(topology)) {
    const topic = topology.stages[stage]?.topic;
    if (topic) out.set(topic, (out.get(topic) ?? 0) + 1);
  }
  return out;
}

/** Messages each group reads per source message: every message of every topic it subscribes to. */
export function readsPerSource(topology: NullTopology): Map<string, number> {
  const produced = producedPerSource(topology);
  const out = new Map<string, number>();
  for (const service of topology.services) {
    for (const s of service.subscriptions) out.set(s.group, s.topics.reduce((sum, topic) => sum + (produced.get(topic) ?? 0), 0));
  }
  return out;
}

/** The consumer groups the topology gives each topic it reads (for comparison with the groups the apps really run). */
export function nullGroupsByTopic(topology: NullTopology): Map<TopicName, string[]> {
  const out = new Map<TopicName, string[]>();
  for (const service of topology.services) {
    for (const s of service.subscriptions) for (const topic of s.topics) out.set(topic, [...(out.get(topic) ?? []), s.group].sort());
  }
  return out;
}
