import { randomUUID } from 'node:crypto';

import { decodeEvent, validatePayload } from '../codec.util';
import { contractProblemFields, testEnvelope as envelope } from '../testing/payload-spec.fixtures';
import { Topics } from '../topics.constants';
import { type AgentCommandPayload } from './agent-command.payload';

function presence(overrides: Partial<AgentCommandPayload> = {}): AgentCommandPayload {
  return { commandId: randomUUID(), type: 'presence', agentId: 'ada', presence: 'ready', capacity: 5, skills: ['billing'], ...overrides };
}

function problemFields(payload: unknown): string[] {
  return contractProblemFields(() => validatePayload(Topics.AgentCommand, payload as AgentCommandPayload));
}

describe('agent.command.v1 presence capacity', () => {
  it('accepts a presence with a single capacity, as before, and one with separate public and DM limits', () => {
    expect(problemFields(presence())).toEqual([]);
    expect(problemFields(presence({ capacityByChannel: { public: 3, dm: 2 } }))).toEqual([]);
    expect(problemFields(presence({ capacity: undefined, capacityByChannel: { public: 0, dm: 2 } }))).toEqual([]);
  });

  it('decodes the per-channel limits of a presence', () => {
    const decoded = decodeEvent(Topics.AgentCommand, JSON.stringify(envelope(presence({ capacityByChannel: { public: 3, dm: 2 } }))));
    expect(decoded.payload.capacityByChannel).toEqual({ public: 3, dm: 2 });
    expect(decoded.payload.capacity).toBe(5);
  });

  it('refuses per-channel limits that are not integers 0..50, or that hold nothing at all', () => {
    expect(problemFields(presence({ capacityByChannel: { public: 51, dm: -1 } }))).toEqual([
      'payload.capacityByChannel.dm',
      'payload.capacityByChannel.public',
    ]);
    expect(problemFields(presence({ capacityByChannel: { public: 1.5, dm: 1 } }))).toEqual(['payload.capacityByChannel.public']);
    expect(problemFields(presence({ capacityByChannel: { public: 0, dm: 0 } }))).toEqual(['payload.capacityByChannel.public']);
    expect(problemFields({ ...presence(), capacityByChannel: 3 })).toEqual(['payload.capacityByChannel']);
  });
});

describe('agent.command.v1 transfer', () => {
  const transfer = (overrides: Partial<AgentCommandPayload> = {}): AgentCommandPayload => ({
    commandId: randomUUID(),
    type: 'transfer',
    agentId: 'ada',
    interactionId: randomUUID(),
    transferReason: 'needs billing',
    ...overrides,
  });

  it('accepts a transfer naming the interaction and a reason', () => {
    expect(problemFields(transfer())).toEqual([]);
  });

  it('refuses a transfer without an interaction or a reason', () => {
    expect(problemFields(transfer({ interactionId: undefined, transferReason: undefined }))).toEqual([
      'payload.interactionId',
      'payload.transferReason',
    ]);
    expect(problemFields(transfer({ transferReason: '' }))).toEqual(['payload.transferReason']);
  });
});

describe('agent.command.v1 conference', () => {
  const base = { commandId: randomUUID(), agentId: 'ada', interactionId: randomUUID() };

  it('accepts an invitation naming the colleague (with or without a reason), and a leave with or without a hand-over', () => {
    expect(problemFields({ ...base, type: 'conference', toAgentId: 'bob' })).toEqual([]);
    expect(problemFields({ ...base, type: 'conference', toAgentId: 'bob', conferenceReason: 'second pair of eyes' })).toEqual([]);
    expect(problemFields({ ...base, type: 'leave-conference' })).toEqual([]);
    expect(problemFields({ ...base, type: 'leave-conference', toAgentId: 'bob' })).toEqual([]);
  });

  it('refuses an invitation without the colleague or the interaction, or with a reason over 500 characters', () => {
    expect(problemFields({ ...base, type: 'conference', interactionId: undefined })).toEqual(['payload.interactionId', 'payload.toAgentId']);
    expect(problemFields({ ...base, type: 'conference', toAgentId: 'bob', conferenceReason: 'x'.repeat(501) })).toEqual(['payload.conferenceReason']);
    expect(problemFields({ ...base, type: 'leave-conference', toAgentId: '' })).toEqual(['payload.toAgentId']);
  });
});
