// When is the stack idle? Between phases bench:e2e waits until nothing of the previous phase is left anywhere: every
// consumer group of the run's namespace has read its topics to the end, no topic grew since the previous look (so
// nothing is being produced), the router's outbox has nothing unannounced, and the agents have nothing in flight.
import { type Admin, AssignerProtocol, Kafka, logLevel } from 'kafkajs';

import type { SwarmInFlight } from './agent-swarm.util';

export interface StackProbe {
  /** Messages not yet read, summed over every consumer group of the namespace. */
  lag: number;
  lagByGroup: Record<string, number>;
  /** The end offsets of every topic of the namespace, summed: unchanged between two probes = nothing produced. */
  produced: number;
  /** Messages on each topic (end offsets summed over partitions), by logical name. */
  producedByTopic: Record<string, number>;
  /** The routers' state changes not yet announced (perch_outbox_pending), summed; undefined if unreadable. */
  outboxPending: number | undefined;
  /** The consumer groups of the namespace reading each topic (logical names): the topology the apps really run. */
  groupsByTopic: Record<string, string[]>;
}

export interface IdleVerdict {
  idle: boolean;
  waitedMs: number;
  /** The last probe, to show what was still busy when the wait gave up. */
  last: StackProbe;
  swarm: SwarmInFlight;
}

export class StackIdleProbe {
  private readonly admin: Admin;
  private readonly prefix: string;

  constructor(
    brokers: string[],
    namespace: string,
    private readonly routerMetricsUrls: () => string[],
  ) {
    this.admin = new Kafka({ clientId: 'perch-bench-idle', brokers, logLevel: logLevel.NOTHING }).admin();
    this.prefix = `${namespace}.`;
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  async probe(): Promise<StackProbe> {
    const topics = (await this.admin.listTopics()).filter((t) => t.startsWith(this.prefix));
    const ends = new Map<string, Map<number, { high: number; low: number }>>();
    const producedByTopic: Record<string, number> = {};
    let produced = 0;
    await Promise.all(
      topics.map(async (topic) => {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        const byPartition = new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }]));
        ends.set(topic, byPartition);
        const sum = offsets.reduce((total, o) => total + Number(o.high), 0);
        producedByTopic[topic.slice(this.prefix.length)] = sum;
        produced += sum;
      }),
    );
    const groups = (await this.admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(this.prefix));
    const lagByGroup: Record<string, number> = {};
    const groupsByTopic: Record<string, string[]> = {};
    let lag = 0;
    if (groups.length > 0) {
      // A member's assignment names topics the group may not have committed on yet: those count from the start.
      const described = await this.admin.describeGroups(groups);
      const assigned = new Map<string, Set<string>>();
      for (const group of described.groups) {
        const set = new Set<string>();
        for (const member of group.members) {
          if (member.memberAssignment.length === 0) continue;
          const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          for (const topic of Object.keys(decoded?.assignment ?? {})) set.add(topic);
        }
        assigned.set(group.groupId, set);
      }
      await Promise.all(
        groups.map(async (groupId) => {
          const committed = await this.admin.fetchOffsets({ groupId });
          const topicsOfGroup = new Set([...committed.map((c) => c.topic), ...(assigned.get(groupId) ?? [])]);
          let groupLag = 0;
          for (const topic of topicsOfGroup) {
            const topicEnds = ends.get(topic);
            if (!topicEnds) continue;
            const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
            for (const [partition, end] of topicEnds) {
              const offset = Number(partitions.find((p) => p.partition === partition)?.offset ?? -1);
              groupLag += Math.max(0, end.high - (offset >= 0 ? offset : end.low));
            }
          }
          lagByGroup[groupId.slice(this.prefix.length)] = groupLag;
          for (const topic of topicsOfGroup) (groupsByTopic[topic.slice(this.prefix.length)] ??= []).push(groupId.slice(this.prefix.length));
          lag += groupLag;
        }),
      );
    }
    for (const groupsOfTopic of Object.values(groupsByTopic)) groupsOfTopic.sort();
    return { lag, lagByGroup, produced, producedByTopic, outboxPending: await this.outboxPending(), groupsByTopic };
  }

  /**
   * Waits until the stack is idle: two probes in a row (`intervalMs` apart) with no lag, nothing newly produced, no
   * unannounced outbox entry, and nothing in flight at the agents. Gives up after `timeoutMs` (idle: false).
   */
  async waitIdle(swarmInFlight: () => Promise<SwarmInFlight>, timeoutMs: number, intervalMs = 500): Promise<IdleVerdict> {
    const started = Date.now();
    let previous: StackProbe | undefined;
    let quiet = 0;
    for (;;) {
      const [probe, swarm] = await Promise.all([this.probe(), swarmInFlight()]);
      const busy =
        probe.lag > 0 ||
        (previous !== undefined && probe.produced !== previous.produced) ||
        (probe.outboxPending ?? 0) > 0 ||
        swarm.held + swarm.acceptsAwaiting + swarm.requests + swarm.awaitingCompletion > 0;
      quiet = busy || previous === undefined ? 0 : quiet + 1;
      previous = probe;
      const waitedMs = Date.now() - started;
      if (quiet >= 2) return { idle: true, waitedMs, last: probe, swarm };
      if (waitedMs > timeoutMs) return { idle: false, waitedMs, last: probe, swarm };
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  private async outboxPending(): Promise<number | undefined> {
    let total = 0;
    for (const url of this.routerMetricsUrls()) {
      try {
        const text = await (await fetch(url)).text();
        const match = /^perch_outbox_pending(?:\{[^}]*\})?\s+([\d.e+-]+)/m.exec(text);
        if (!match) return undefined;
        total += Number(match[1]);
      } catch {
        return undefined;
      }
    }
    return total;
  }
}
