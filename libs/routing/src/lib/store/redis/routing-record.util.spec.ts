import { classification, inboundMessage } from '../../testing/routing.fixtures';
import { assignmentOfRecord } from '../../assignments/routing-store-assignment-reader.adapter';
import { ASSIGNMENT_FIELDS, INTERACTION_FIELDS } from './routing-fields.constants';
import { parseAssignment, parseInteraction } from './routing-record.util';

type Fields = Partial<Record<(typeof INTERACTION_FIELDS)[number], string>>;

const message = inboundMessage();
const labels = classification();

/** A reply of INTERACTION_FIELDS as the scripts return it: nil (null) for every field not set. */
function reply(fields: Fields): (string | null)[] {
  return INTERACTION_FIELDS.map((name) => fields[name] ?? null);
}

/** The same record as HMGET of ASSIGNMENT_FIELDS returns it. */
function assignmentReply(fields: Fields): (string | null)[] {
  return ASSIGNMENT_FIELDS.map((name) => fields[name] ?? null);
}

const DM = inboundMessage({ kind: 'dm' });

/** A pending transfer (with its reason), a pending invitation (with its note) and a guest. */
const PENDING: Fields = {
  xto: 'bob',
  xoffer: 'o2',
  xdeadline: '7000',
  xreason: 'billing question',
  cto: 'eve',
  coffer: 'o3',
  cdeadline: '8000',
  creason: 'second opinion',
  guests: JSON.stringify(['carol']),
};

const QUEUED: Fields = {
  state: 'queued',
  prio: '3',
  created: '1000',
  count: '1',
  updated: '1000',
  data: JSON.stringify({ brandAccountId: 'b1', correlationId: 'c1', firstMessage: message, classification: labels }),
};

describe('parseInteraction', () => {
  it('reads a queued interaction with only what is set, the rest left out', () => {
    expect(parseInteraction('i1', reply(QUEUED))).toEqual({
      interactionId: 'i1',
      conversationKey: message.conversationKey,
      brandAccountId: 'b1',
      correlationId: 'c1',
      state: 'queued',
      priority: 3,
      createdAt: 1000,
      declinedBy: [],
      messageCount: 1,
      firstMessage: message,
      classification: labels,
      updatedAt: 1000,
    });
  });

  it('reads an assigned interaction with its offers, declines, guests and widening', () => {
    const record = parseInteraction(
      'i1',
      reply({
        ...QUEUED,
        state: 'assigned',
        conv: 'conv-9',
        skill: 'billing',
        lvl: '3',
        wat: '5000',
        wto: '',
        widened: '4000',
        sticky: 'ada',
        stickyuntil: '6000',
        ovskill: 'general',
        ovat: '4500',
        agent: 'ada',
        offer: 'o1',
        deadline: '2000',
        declined: JSON.stringify([['bob', 9000], 'eve']),
        ...PENDING,
        completed: '9999',
      }),
    );

    expect(record).toMatchObject({
      conversationKey: 'conv-9',
      requiredSkill: 'billing',
      requiredLevel: 3,
      widenAt: 5000,
      widenTo: '',
      widenedAt: 4000,
      stickyAgentId: 'ada',
      stickyUntil: 6000,
      overflowSkill: 'general',
      overflowedAt: 4500,
      agentId: 'ada',
      offerId: 'o1',
      offerExpiresAt: 2000,
      declinedBy: ['bob', 'eve'],
      declinedUntil: { bob: 9000, eve: 0 },
      transferOffer: { toAgentId: 'bob', offerId: 'o2', expiresAt: 7000, reason: 'billing question' },
      conferenceOffer: { toAgentId: 'eve', offerId: 'o3', expiresAt: 8000 },
      conferenceAgentIds: ['carol'],
      completedAt: 9999,
    });
  });

  it('leaves out a level of 1, an empty guest list and a transfer missing its deadline', () => {
    const record = parseInteraction('i1', reply({ ...QUEUED, lvl: '1', guests: '{}', xto: 'bob', xoffer: 'o2' }));

    expect(record).not.toHaveProperty('requiredLevel');
    expect(record).not.toHaveProperty('conferenceAgentIds');
    expect(record).not.toHaveProperty('transferOffer');
  });

  it('names the interaction and the field when a number is corrupt or missing', () => {
    expect(() => parseInteraction('i1', reply({ ...QUEUED, deadline: 'soon' }))).toThrow('Corrupt routing record: interaction i1 deadline is soon');
    expect(() => parseInteraction('i1', reply({ ...QUEUED, prio: undefined }))).toThrow('Corrupt routing record: interaction i1 prio is null');
  });

  it('refuses an unknown state and a record without its data', () => {
    expect(() => parseInteraction('i1', reply({ ...QUEUED, state: 'lost' }))).toThrow('Corrupt routing record: interaction i1 state is lost');
    expect(() => parseInteraction('i1', reply({ ...QUEUED, data: undefined }))).toThrow('Corrupt routing record: interaction i1 has no data');
  });
});

describe('parseAssignment', () => {
  const ASSIGNED: Fields = {
    ...QUEUED,
    state: 'assigned',
    skill: 'billing',
    agent: 'ada',
    offer: 'o1',
    deadline: '2000',
    declined: JSON.stringify([['bob', 9000]]),
    ...PENDING,
  };

  it.each([
    ['a queued interaction', QUEUED],
    ['an assignment with a transfer offer, an invitation and guests', ASSIGNED],
    ['an offer in a direct message', { ...QUEUED, state: 'offered', agent: 'ada', offer: 'o1', deadline: '2000', data: JSON.stringify({ brandAccountId: 'b1', correlationId: 'c2', firstMessage: DM, classification: labels }) }],
    ['a completed interaction with an empty guest list', { ...QUEUED, state: 'completed', agent: 'ada', offer: 'o1', guests: '{}', completed: '9999' }],
    ['a transfer missing its deadline', { ...QUEUED, state: 'assigned', agent: 'ada', xto: 'bob', xoffer: 'o2' }],
  ] satisfies [string, Fields][])('reads %s as the whole record says it', (_, fields) => {
    expect(parseAssignment('i1', assignmentReply(fields))).toEqual(assignmentOfRecord(parseInteraction('i1', reply(fields))));
  });

  it('reads who holds it, the pending offers with their reason and note, the guests and the channel', () => {
    expect(parseAssignment('i1', assignmentReply(ASSIGNED))).toEqual({
      interactionId: 'i1',
      state: 'assigned',
      correlationId: 'c1',
      agentId: 'ada',
      offerId: 'o1',
      offerExpiresAt: 2000,
      transferOffer: { toAgentId: 'bob', offerId: 'o2', expiresAt: 7000, reason: 'billing question' },
      conferenceOffer: { toAgentId: 'eve', offerId: 'o3', expiresAt: 8000, reason: 'second opinion' },
      conferenceAgentIds: ['carol'],
      channel: 'public',
    });
  });

  it('refuses an unknown state, a corrupt deadline and a record without its data, naming the interaction', () => {
    expect(() => parseAssignment('i1', assignmentReply({ ...QUEUED, state: 'lost' }))).toThrow('Corrupt routing record: interaction i1 state is lost');
    expect(() => parseAssignment('i1', assignmentReply({ ...QUEUED, deadline: 'soon' }))).toThrow('Corrupt routing record: interaction i1 deadline is soon');
    expect(() => parseAssignment('i1', assignmentReply({ ...QUEUED, data: undefined }))).toThrow('Corrupt routing record: interaction i1 has no data');
  });
});
