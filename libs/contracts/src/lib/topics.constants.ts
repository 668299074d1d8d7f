// ┌──────────────────────────────────────────────────────────────────────────────────────┐
// │ THESE TOPIC NAMES ARE LIVE INFRASTRUCTURE. Never rename or reuse one: a new schema     │
// │ that old consumers cannot read gets a new topic (…v2) and a migration, never an edit. │
// └──────────────────────────────────────────────────────────────────────────────────────┘
export const Topics = {
  /** ingestor → classifier: a normalized mention, reply, quote or DM. Key: conversation key. */
  InboundReceived: 'x.inbound.received.v1',
  /** classifier → router: the same message with sentiment and actionability. Key: conversation key. */
  InboundClassified: 'x.inbound.classified.v1',
  /** router → gateway: an interaction's lifecycle. Key: interaction id. */
  InteractionLifecycle: 'routing.interaction.v1',
  /** gateway → router: what agents do that changes routing. Key: interaction id, or agent id. */
  AgentCommand: 'agent.command.v1',
  /** gateway → outbound worker: something to do on X, with an idempotency key. Key: conversation key (or interaction id; a bare post: brand account id). */
  OutboundRequested: 'x.outbound.requested.v1',
  /** outbound worker → gateway: what X answered. Key: interaction id (or command id). */
  OutboundCompleted: 'x.outbound.completed.v1',
  /** gateway → training data and the agent's view: an agent's correction of a message's labels. Key: interaction id. */
  ClassificationCorrected: 'classification.corrected.v1',
  /** router → gateway (the agent's desktops) and supervisors: an agent's state, on every change. Key: agent id. */
  AgentState: 'routing.agent.v1',
  /** gateway → a voice system (none in Perch): an agent asks to talk to a colleague about an interaction. Key: interaction id. */
  VoiceConsultation: 'agent.voice-consultation.v1',
  /** gateway → a telephony system (none in Perch): an agent asks to call a contact's phone about an interaction. Key: interaction id. */
  TelephonyCallRequest: 'telephony.call-request.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

/** Each topic's dead letters live beside it, with the reason and the original bytes. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
