import { InteractionViewProjector, MemoryInteractionStore } from '@perch/interactions';
import { RecordingEventPublisher } from '@perch/messaging';
import { newId, RetryableError } from '@perch/platform';
import { type Assignment, type AssignmentReader } from '@perch/routing';
import { Topics } from '@perch/contracts';

import { agentProfile, CLASSIFICATION, customerTweet, UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { HolderChecks } from './holder-checks.service';

/** The router's record as a test sets it, or a router that cannot be reached. */
class StubAssignments implements AssignmentReader {
  readonly records = new Map<string, Assignment>();
  failure: Error | undefined;

  async holderOf(interactionId: string): Promise<Assignment | undefined> {
    if (this.failure) throw this.failure;
    return this.records.get(interactionId);
  }
}

describe(HolderChecks.name, () => {
  const ada = agentProfile('ada');
  const bob = agentProfile('bob');
  let assignments: StubAssignments;
  let store: MemoryInteractionStore;
  let checks: HolderChecks;

  beforeEach(() => {
    assignments = new StubAssignments();
    store = new MemoryInteractionStore();
    checks = new HolderChecks(assignments, store, UNIT_OPTIONS);
  });

  /** A view the projection keeps: created, accepted by `agentId`, completed. */
  async function projectedCompleted(agentId: string): Promise<string> {
    const projector = new InteractionViewProjector(store);
    const router = new RecordingEventPublisher('router');
    const message = customerTweet();
    const interactionId = newId();
    const base = { interactionId, conversationKey: message.conversationKey, brandAccountId: message.brandAccountId, priority: 1 };
    for (const payload of [
      { ...base, type: 'created' as const, message, classification: CLASSIFICATION },
      { ...base, type: 'accepted' as const, agentId },
      { ...base, type: 'completed' as const, agentId },
    ]) {
      await projector.applyLifecycle(await router.publish(Topics.InteractionLifecycle, payload, { correlationId: newId() }));
    }
    return interactionId;
  }

  it('answers 503 routing-unavailable when the router cannot be read, and never guesses from the projection', async () => {
    assignments.failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const interactionId = await projectedCompleted('ada');
    await expect(checks.requireHolder(ada, interactionId, { completedToo: true })).rejects.toThrow(RetryableError);
    await expect(checks.requireOffer(ada, interactionId, newId(), 'accept')).rejects.toMatchObject({ code: 'routing-unavailable', kind: 'retryable' });
  });

  it('lets a failure that is not an outage through as it is (a bug is a 500, not a 503)', async () => {
    assignments.failure = new Error('Corrupt routing record');
    await expect(checks.requireHolder(ada, newId())).rejects.toThrow('Corrupt routing record');
  });

  it('takes the projection only for a completed interaction the router no longer retains: the handler may still correct it', async () => {
    const interactionId = await projectedCompleted('ada');
    await expect(checks.requireHolder(ada, interactionId, { completedToo: true })).resolves.toMatchObject({ state: 'completed', agentId: 'ada' });
    await expect(checks.requireHolder(ada, interactionId)).rejects.toMatchObject({ code: 'interaction-completed' });
    await expect(checks.requireHolder(bob, interactionId, { completedToo: true })).rejects.toMatchObject({ code: 'not-your-interaction' });
  });

  it('answers 404 for an interaction neither the router nor the projection knows', async () => {
    await expect(checks.requireHolder(ada, newId())).rejects.toMatchObject({ code: 'interaction-not-found', kind: 'not-found' });
  });

  it("names the conference's holder and guests as the router's record says, none without guests, and none (no error) while the router cannot be read", async () => {
    const interactionId = newId();
    assignments.records.set(interactionId, { interactionId, state: 'assigned', agentId: 'ada', offerId: newId(), correlationId: newId(), conferenceAgentIds: ['bob'] });
    expect(await checks.conferenceOf(interactionId)).toEqual({ holderAgentId: 'ada', guests: ['bob'] });
    const alone = newId();
    assignments.records.set(alone, { interactionId: alone, state: 'assigned', agentId: 'ada', offerId: newId(), correlationId: newId() });
    expect(await checks.conferenceOf(alone)).toBeUndefined();
    expect(await checks.conferenceOf(newId())).toBeUndefined();
    assignments.failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(await checks.conferenceOf(interactionId)).toBeUndefined();
    assignments.failure = new Error('Corrupt routing record');
    await expect(checks.conferenceOf(interactionId)).rejects.toThrow('Corrupt routing record');
  });

  it("refuses a queued interaction (nobody's) with 403, and an offer whose deadline is now with 409 offer-expired", async () => {
    const interactionId = newId();
    assignments.records.set(interactionId, { interactionId, state: 'queued', correlationId: newId() });
    await expect(checks.requireHolder(ada, interactionId)).rejects.toMatchObject({ code: 'not-your-interaction' });
    const offered = newId();
    const offerId = newId();
    assignments.records.set(offered, { interactionId: offered, state: 'offered', agentId: 'ada', offerId, offerExpiresAt: Date.now() - 1, correlationId: newId() });
    await expect(checks.requireOffer(ada, offered, offerId, 'decline')).rejects.toMatchObject({ code: 'offer-expired' });
  });
});
