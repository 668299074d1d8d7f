import { randomUUID } from 'node:crypto';

import { decodeEvent, validatePayload } from '../codec.util';
import { contractProblemFields as problemFields, expectRegisteredTopic, testEnvelope as envelope } from '../testing/payload-spec.fixtures';
import { Topics } from '../topics.constants';
import { type AgentCommandPayload } from '../agent-command/agent-command.payload';
import { type AgentStatePayload, DEFAULT_NOT_READY_REASONS, parseNotReadyReasons } from './agent-state.payload';

function agentState(overrides: Partial<AgentStatePayload> = {}): AgentStatePayload {
  return {
    agentId: 'ada',
    state: 'not-ready',
    reason: 'missed-offer',
    since: '2026-12-06T10:00:00.000Z',
    cause: 'offer-timeout',
    interactionId: randomUUID(),
    capacity: 3,
    load: 1,
    loadByChannel: { public: 1, dm: 0 },
    ...overrides,
  };
}

describe('routing.agent.v1', () => {
  it('is registered like every other topic: in ALL_TOPICS (start-up creates it and its .dlq), keyed by agent', () => {
    const definition = expectRegisteredTopic(Topics.AgentState, 'routing.agent.v1');
    expect(definition.keyOf(agentState())).toBe('ada');
  });

  it('accepts each state with each cause the router publishes', () => {
    const cases: Partial<AgentStatePayload>[] = [
      { state: 'ready', reason: undefined, cause: 'agent' },
      { state: 'not-ready', reason: 'break', cause: 'supervisor', actorId: 'carol' },
      { state: 'wrap-up', reason: undefined, cause: 'agent', wrapUpEndsAt: '2026-12-06T10:00:30.000Z' },
      { state: 'ready', reason: undefined, cause: 'wrap-up-timeout' },
      { state: 'offline', reason: undefined, cause: 'sign-out', withdrawnOffers: [randomUUID()], heldByOfflineAgent: [randomUUID()] },
      { state: 'offline', reason: undefined, cause: 'disconnect', capacityByChannel: { public: 2, dm: 1 } },
    ];
    for (const overrides of cases) {
      const payload = agentState(overrides);
      expect(validatePayload(Topics.AgentState, payload)).toBe(payload);
    }
  });

  it('decodes an event and drops fields a newer router added (tolerant reader)', () => {
    const decoded = decodeEvent(Topics.AgentState, JSON.stringify(envelope({ ...agentState(), somethingNew: 1 })));
    expect(decoded.payload).toMatchObject({ agentId: 'ada', state: 'not-ready', reason: 'missed-offer', cause: 'offer-timeout' });
    expect(decoded.payload).not.toHaveProperty('somethingNew');
  });

  it('refuses an unknown state or cause, a missing time or load, and a bad per-channel load', () => {
    const raw = JSON.stringify(
      envelope({ ...agentState(), state: 'lunch', cause: 'boss', since: 'yesterday', load: -1, loadByChannel: { public: 1 } }),
    );
    expect(problemFields(() => decodeEvent(Topics.AgentState, raw))).toEqual([
      'payload.cause',
      'payload.load',
      'payload.loadByChannel.dm',
      'payload.since',
      'payload.state',
    ]);
  });
});

describe('agent.command.v1 presence with a reason and a cause', () => {
  const presence = (overrides: Partial<AgentCommandPayload>): AgentCommandPayload => ({
    commandId: randomUUID(),
    type: 'presence',
    agentId: 'ada',
    presence: 'not-ready',
    ...overrides,
  });

  it('carries the reason, the cause and the supervisor who made it', () => {
    const payload = presence({ reason: 'meeting', cause: 'supervisor', actorId: 'carol' });
    expect(validatePayload(Topics.AgentCommand, payload)).toBe(payload);
    expect(validatePayload(Topics.AgentCommand, presence({ presence: 'offline', cause: 'sign-out' }))).toBeTruthy();
  });

  it('still accepts a presence without them, as an older gateway sends it', () => {
    expect(problemFields(() => validatePayload(Topics.AgentCommand, presence({})))).toEqual([]);
  });

  it('refuses a cause the router keeps for itself and a reason that is not a code', () => {
    expect(
      problemFields(() =>
        validatePayload(Topics.AgentCommand, presence({ cause: 'offer-timeout' as AgentCommandPayload['cause'], reason: 'x'.repeat(33) })),
      ),
    ).toEqual(['payload.cause', 'payload.reason']);
  });
});

describe('parseNotReadyReasons', () => {
  it('reads a configured list, each code once, in order', () => {
    expect(parseNotReadyReasons('break, meeting,training,break')).toEqual(['break', 'meeting', 'training']);
    expect(parseNotReadyReasons(DEFAULT_NOT_READY_REASONS.join(','))).toEqual(['break', 'meeting', 'training', 'missed-offer']);
  });

  it('refuses an empty list and codes that are not lower-case words joined by dashes', () => {
    for (const bad of ['', ' , ', 'Break', 'coffee break', 'lunch_', '-x', 'x'.repeat(33)]) expect(parseNotReadyReasons(bad)).toBeUndefined();
  });
});
