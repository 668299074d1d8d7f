import {
  type BatchHandler,
  type ConsumeOptions,
  type ConsumerHandle,
  type PartitionPosition,
  type SeededPartition,
  type TopicSpec,
  type Transport,
  type TransportMessage,
} from '../port/transport.port';

/**
 * Prefixes physical topic and group names with a namespace ("staging.", "e2e-1234."), so several
 * environments or test runs can share one broker without reading each other's events. The contracts'
 * topic names stay the logical names; only the wire names change.
 */
export class NamespacedTransport implements Transport {
  readonly kind: string;

  constructor(
    private readonly inner: Transport,
    private readonly namespace: string,
  ) {
    this.kind = inner.kind;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }

  ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(topics.map((t) => ({ ...t, name: this.namespace + t.name })));
  }

  send(topic: string, messages: readonly TransportMessage[]): Promise<void> {
    return this.inner.send(this.namespace + topic, messages);
  }

  consume(options: ConsumeOptions, handler: BatchHandler): Promise<ConsumerHandle> {
    return this.inner.consume(
      {
        ...options,
        groupId: this.namespace + options.groupId,
        topics: options.topics.map((t) => this.namespace + t),
      },
      (messages, onProgress, revoked) =>
        handler(
          messages.map((m) => ({ ...m, topic: m.topic.slice(this.namespace.length) })),
          (m) => onProgress({ ...m, topic: this.namespace + m.topic }),
          revoked,
        ),
    );
  }

  positions(groupId: string, topic: string): Promise<PartitionPosition[]> {
    return this.inner.positions(this.namespace + groupId, this.namespace + topic);
  }

  seedGroup(groupId: string, fromGroups: readonly string[], topic: string): Promise<SeededPartition[]> {
    return this.inner.seedGroup(this.namespace + groupId, fromGroups.map((group) => this.namespace + group), this.namespace + topic);
  }
}

export function withNamespace(transport: Transport, namespace: string | undefined): Transport {
  return namespace ? new NamespacedTransport(transport, namespace.endsWith('.') ? namespace : `${namespace}.`) : transport;
}
