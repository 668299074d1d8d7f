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
] as const;

/** Index bookkeeping of an interaction, never returned: deleted with the record. */
export const INTERACTION_INTERNAL_FIELDS = ['qidx'] as const;

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
