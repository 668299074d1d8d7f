export const SENTIMENTS = ['positive', 'negative', 'neutral', 'undeclared'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const ACTIONABILITIES = ['actionable', 'not-actionable', 'undeclared'] as const;
export type Actionability = (typeof ACTIONABILITIES)[number];

export const INBOUND_KINDS = ['mention', 'reply', 'quote', 'dm'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

/** Where a message came in: 'tweet-webhook' is a tweet delivered by the Account Activity webhook. */
export const INBOUND_SOURCES = ['stream', 'mentions-poll', 'tweet-webhook', 'dm-webhook', 'dm-poll'] as const;
export type InboundSource = (typeof INBOUND_SOURCES)[number];
