/**
 * What is audited. People: sign-in/sign-out, presence, offer decisions, actions on X from an interaction, a
 * brand post, a classification correction, marking done, reading the audit. Effects: what X answered to an
 * agent's action ('x-effect') and each routing decision ('routing').
 */
export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-out',
  'presence',
  'accept',
  'decline',
  'reply',
  'dm',
  'follow',
  'unfollow',
  'post',
  'classification-correction',
  'done',
  'transfer',
  'consultation',
  'conference-invite',
  'conference-leave',
  // Contacts and the other channels (@perch/contacts): contact saved or changed, email sent, call requested.
  'contact-create',
  'contact-update',
  'contact-delete',
  'email',
  'call-request',
  'audit-read',
  'audit-export',
  // Admins' and supervisors' changes to users, disposition codes and standard responses.
  'user-create',
  'user-update',
  'user-password-reset',
  'disposition-change',
  'standard-response-change',
  'x-effect',
  'routing',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** succeeded: done (or, for a command, accepted for delivery); refused: the caller was told no (4xx); failed: it broke (5xx, X failed). */
export const AUDIT_OUTCOMES = ['succeeded', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** agent: a signed-in person (any role); anonymous: not signed in (a failed sign-in names the username tried); system: a service. */
export const AUDIT_ACTOR_KINDS = ['agent', 'anonymous', 'system'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

export interface AuditActor {
  kind: AuditActorKind;
  /** The agent's id, the username tried, or the service ('router'). */
  id?: string;
  /** The agent's role when signed in. */
  role?: string;
}

/** Small JSON facts about the entry (a command id, X's tweet id, a disposition note); never secrets. */
export type AuditDetails = Record<string, unknown>;

/** One audited event, as kept. Entries are never changed nor removed. */
export interface AuditEntry {
  id: string;
  /** ISO 8601 with milliseconds, UTC: when it happened. */
  at: string;
  actor: AuditActor;
  action: AuditAction;
  interactionId?: string;
  brandAccountId?: string;
  outcome: AuditOutcome;
  /** Why it was refused or failed (the API's error code, X's failure code), or the kind of effect. */
  code?: string;
  details: AuditDetails;
  correlationId?: string;
  /** The client's IP address, for requests. */
  address?: string;
  /** What the entry was made from (an event id): the same source is kept once. */
  sourceKey?: string;
}

/** An entry to append: the log assigns id and at when they are missing. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'details'> & { id?: string; at?: string; details?: AuditDetails };

export interface AuditQuery {
  /** The actor's id (an agent id, a username tried, a service). */
  actor?: string;
  action?: AuditAction;
  interactionId?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  /** An opaque cursor from a previous page's nextCursor. */
  cursor?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  /** 'asc' (oldest first, the default) or 'desc'. */
  order?: 'asc' | 'desc';
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `cursor` for the next page; null when this page is the last. */
  nextCursor: string | null;
}
