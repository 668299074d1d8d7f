export const SENTIMENTS = ['positive', 'negative', 'neutral', 'undeclared'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const ACTIONABILITIES = ['actionable', 'not-actionable', 'undeclared'] as const;
export type Actionability = (typeof ACTIONABILITIES)[number];

/** The labels a person may give: 'undeclared' is the model's abstention, never an answer. */
export const DECLARED_SENTIMENTS = ['positive', 'negative', 'neutral'] as const satisfies readonly Sentiment[];
export type DeclaredSentiment = (typeof DECLARED_SENTIMENTS)[number];

export const DECLARED_ACTIONABILITIES = ['actionable', 'not-actionable'] as const satisfies readonly Actionability[];
export type DeclaredActionability = (typeof DECLARED_ACTIONABILITIES)[number];

export const INBOUND_KINDS = ['mention', 'reply', 'quote', 'dm'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

/** Where a message came in: 'tweet-webhook' is a tweet delivered by the Account Activity webhook. */
export const INBOUND_SOURCES = ['stream', 'mentions-poll', 'tweet-webhook', 'dm-webhook', 'dm-poll'] as const;
export type InboundSource = (typeof INBOUND_SOURCES)[number];
