export const SENTIMENTS = ['positive', 'negative', 'neutral', 'undeclared'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const ACTIONABILITIES = ['actionable', 'not-actionable', 'undeclared'] as const;
export type Actionability = (typeof ACTIONABILITIES)[number];

export const INBOUND_KINDS = ['mention', 'reply', 'quote', 'dm'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

export const INBOUND_SOURCES = ['stream', 'mentions-poll', 'dm-webhook', 'dm-poll'] as const;
export type InboundSource = (typeof INBOUND_SOURCES)[number];
