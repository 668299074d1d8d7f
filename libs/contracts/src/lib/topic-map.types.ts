import { AgentCommandPayload, agentCommandKey } from './agent-command/agent-command.payload';
import { AgentStatePayload, agentStateKey } from './agent-state/agent-state.payload';
import {
  ClassificationCorrectedPayload,
  classificationCorrectedKey,
} from './classification-corrected/classification-corrected.payload';
import { InboundClassifiedPayload, inboundClassifiedKey } from './inbound-classified/inbound-classified.payload';
import { InboundReceivedPayload, inboundReceivedKey } from './inbound-received/inbound-received.payload';
import {
  InteractionLifecyclePayload,
  interactionLifecycleKey,
} from './interaction-lifecycle/interaction-lifecycle.payload';
import { OutboundCompletedPayload, outboundCompletedKey } from './outbound-completed/outbound-completed.payload';
import { OutboundRequestedPayload, outboundRequestedKey } from './outbound-requested/outbound-requested.payload';
import {
  TelephonyCallRequestPayload,
  telephonyCallRequestKey,
} from './telephony-call-request/telephony-call-request.payload';
import { type TopicName, Topics } from './topics.constants';
import { VoiceConsultationPayload, voiceConsultationKey } from './voice-consultation/voice-consultation.payload';

/** The type-level map: publishing a payload on the wrong topic does not compile. */
export interface TopicPayloads {
  [Topics.InboundReceived]: InboundReceivedPayload;
  [Topics.InboundClassified]: InboundClassifiedPayload;
  [Topics.InteractionLifecycle]: InteractionLifecyclePayload;
  [Topics.AgentCommand]: AgentCommandPayload;
  [Topics.OutboundRequested]: OutboundRequestedPayload;
  [Topics.OutboundCompleted]: OutboundCompletedPayload;
  [Topics.ClassificationCorrected]: ClassificationCorrectedPayload;
  [Topics.AgentState]: AgentStatePayload;
  [Topics.VoiceConsultation]: VoiceConsultationPayload;
  [Topics.TelephonyCallRequest]: TelephonyCallRequestPayload;
}

export type PayloadOf<T extends TopicName> = TopicPayloads[T];

export interface TopicDefinition<T extends TopicName> {
  topic: T;
  payloadClass: new () => PayloadOf<T>;
  /** Schema versions this build can read. A producer always writes the newest. */
  schemaVersions: readonly number[];
  keyOf(payload: PayloadOf<T>): string;
  /** Sized for the largest deployment we expect; partitions bound consumer parallelism. */
  partitions: number;
}

type Registry = { [T in TopicName]: TopicDefinition<T> };

export const TOPIC_REGISTRY: Registry = {
  [Topics.InboundReceived]: {
    topic: Topics.InboundReceived,
    payloadClass: InboundReceivedPayload,
    schemaVersions: [1],
    keyOf: inboundReceivedKey,
    partitions: 12,
  },
  [Topics.InboundClassified]: {
    topic: Topics.InboundClassified,
    payloadClass: InboundClassifiedPayload,
    schemaVersions: [1],
    keyOf: inboundClassifiedKey,
    partitions: 12,
  },
  [Topics.InteractionLifecycle]: {
    topic: Topics.InteractionLifecycle,
    payloadClass: InteractionLifecyclePayload,
    schemaVersions: [1],
    keyOf: interactionLifecycleKey,
    partitions: 12,
  },
  [Topics.AgentCommand]: {
    topic: Topics.AgentCommand,
    payloadClass: AgentCommandPayload,
    schemaVersions: [1],
    keyOf: agentCommandKey,
    partitions: 12,
  },
  [Topics.OutboundRequested]: {
    topic: Topics.OutboundRequested,
    payloadClass: OutboundRequestedPayload,
    schemaVersions: [1],
    keyOf: outboundRequestedKey,
    partitions: 6,
  },
  [Topics.OutboundCompleted]: {
    topic: Topics.OutboundCompleted,
    payloadClass: OutboundCompletedPayload,
    schemaVersions: [1],
    keyOf: outboundCompletedKey,
    partitions: 6,
  },
  [Topics.ClassificationCorrected]: {
    topic: Topics.ClassificationCorrected,
    payloadClass: ClassificationCorrectedPayload,
    schemaVersions: [1],
    keyOf: classificationCorrectedKey,
    // A few per agent per hour: parallelism is not what this topic needs.
    partitions: 3,
  },
  [Topics.AgentState]: {
    topic: Topics.AgentState,
    payloadClass: AgentStatePayload,
    schemaVersions: [1],
    // Keyed by agent: one agent's changes stay in order.
    keyOf: agentStateKey,
    partitions: 6,
  },
  [Topics.VoiceConsultation]: {
    topic: Topics.VoiceConsultation,
    payloadClass: VoiceConsultationPayload,
    schemaVersions: [1],
    keyOf: voiceConsultationKey,
    // A few per agent per hour.
    partitions: 3,
  },
  [Topics.TelephonyCallRequest]: {
    topic: Topics.TelephonyCallRequest,
    payloadClass: TelephonyCallRequestPayload,
    schemaVersions: [1],
    keyOf: telephonyCallRequestKey,
    // A few per agent per hour.
    partitions: 3,
  },
};

export function topicDefinition<T extends TopicName>(topic: T): TopicDefinition<T> {
  return TOPIC_REGISTRY[topic] as TopicDefinition<T>;
}
