import { randomUUID } from 'node:crypto';

import { decodeEvent, validatePayload } from '../codec.util';
import { contractProblemFields, expectRegisteredTopic, testEnvelope } from '../testing/payload-spec.fixtures';
import { Topics } from '../topics.constants';
import { type TelephonyCallRequestPayload } from './telephony-call-request.payload';

function request(overrides: Partial<TelephonyCallRequestPayload> = {}): TelephonyCallRequestPayload {
  return {
    callRequestId: randomUUID(),
    interactionId: randomUUID(),
    contactId: randomUUID(),
    agentId: 'ada',
    brandAccountId: '1700000000000000001',
    phone: '+33612345678',
    contactName: 'Dana Customer',
    reason: 'order #1234 never arrived',
    requestedAt: 1_760_000_000_000,
    ...overrides,
  };
}

function problemFields(payload: unknown): string[] {
  return contractProblemFields(() => validatePayload(Topics.TelephonyCallRequest, payload as TelephonyCallRequestPayload));
}

describe('telephony.call-request.v1', () => {
  it('is registered like every other topic: in ALL_TOPICS (start-up creates it and its .dlq), keyed by interaction', () => {
    const definition = expectRegisteredTopic(Topics.TelephonyCallRequest, 'telephony.call-request.v1');
    const payload = request();
    expect(definition.keyOf(payload)).toBe(payload.interactionId);
  });

  it('decodes a request, the contact name and the reason optional', () => {
    const { contactName: _name, reason: _reason, ...bare } = request();
    const decoded = decodeEvent(Topics.TelephonyCallRequest, JSON.stringify(testEnvelope(bare)));
    expect(decoded.payload).toMatchObject({ agentId: 'ada', phone: '+33612345678' });
    expect(decoded.payload.reason).toBeUndefined();
  });

  it('refuses a request without the interaction, the contact, the agent, a dialable number or the time', () => {
    expect(
      problemFields({ ...request(), interactionId: 'nope', contactId: undefined, agentId: '', phone: '06 12 34', requestedAt: -1 }),
    ).toEqual(['payload.agentId', 'payload.contactId', 'payload.interactionId', 'payload.phone', 'payload.requestedAt']);
  });

  it('refuses a reason over 500 characters and a brand that is not an X account id', () => {
    expect(problemFields({ ...request(), reason: 'x'.repeat(501), brandAccountId: 'acme' })).toEqual(['payload.brandAccountId', 'payload.reason']);
  });
});
