// Field orders shared by the Lua scripts (which HMGET in this order) and the reply parsers.
// Changing one side alone would misread every record, so both are generated from these lists.

export const INTERACTION_FIELDS = [
  'state',
  'prio',
  'created',
  'skill',
  'agent',
  'offer',
  'deadline',
  'declined',
  'count',
  'data',
  'conv',
  'updated',
  'completed',
  'chan',
  'ovskill',
  'ovat',
  // A pending transfer to a named agent (while assigned): target, offer id, deadline.
  'xto',
  'xoffer',
  'xdeadline',
  // Conference (while assigned): a pending invitation (invitee, offer id, deadline) and the guests (JSON list).
  'cto',
  'coffer',
  'cdeadline',
  'guests',
  // The pending transfer's reason and the pending invitation's note (only when given), for the target's reads.
  'xreason',
  'creason',
  // Skills: the required skill's minimum level (only above 1); a widening pending (when, to what) and when it happened.
  'lvl',
  'wat',
  'wto',
  'widened',
  // A returning customer: its last agent, and until when the interaction is reserved for it (while reserved).
  'sticky',
  'stickyuntil',
] as const;

/**
 * What an assignment (who holds an interaction, and its pending offers) is read from: under half of the record. The
 * gateway reads it before every agent action with one HMGET instead of the full record's script (ADR 45). `data`
 * holds the correlation id and the first message (its kind is the channel).
 */
export const ASSIGNMENT_FIELDS = [
  'state',
  'agent',
  'offer',
  'deadline',
  'data',
  'xto',
  'xoffer',
  'xdeadline',
  'xreason',
  'cto',
  'coffer',
  'cdeadline',
  'creason',
  'guests',
] as const satisfies readonly (typeof INTERACTION_FIELDS)[number][];

/** Index bookkeeping of an interaction, never returned: deleted with the record. */
// `gjoins`: each guest's accepted invitation (JSON {agentId: offerId}), so a redelivered accept is answered already-accepted.
export const INTERACTION_INTERNAL_FIELDS = ['qidx', 'cust', 'gjoins'] as const;

/** The last entry is not a hash field: scripts append the agent's score in the available set. */
export const AGENT_FIELDS = [
  'state',
  'cap',
  'load',
  'skills',
  'since',
  'cap.public',
  'cap.dm',
  'load.public',
  'load.dm',
  'reason',
  'wrapuntil',
] as const;
