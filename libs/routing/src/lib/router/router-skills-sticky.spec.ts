import { type AgentCommandPayload, type AgentPresence, type EventEnvelope } from '@perch/contracts';
import { createLogger, newId, ValidationFailedError } from '@perch/platform';

import { parseSkillRules } from '../skill-rules.util';
import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { RecordingRouterPublisher } from '../testing/recording-router-publisher.fixtures';
import { classifiedEvent, envelope, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

const T0 = 1_700_000_000_000;
const RULES = parseSkillRules(
  JSON.stringify([
    { when: { brand: 'perchbrand', lang: 'fr' }, require: 'language:fr', minLevel: 2, widenAfterMs: 60_000, widenTo: 'language:any' },
    { when: { lang: 'fr' }, require: 'language:fr' },
    { when: { sentiment: 'negative' }, require: 'topic:complaints' },
  ]),
  'ROUTER_SKILL_RULES',
);
const CATALOG = ['language:fr', 'language:any', 'topic:complaints', 'billing'];

describe('RouterService: skill rules, skill catalog and sticky agent', () => {
  let time: number;
  let store: MemoryRoutingStore;
  let publisher: RecordingRouterPublisher;
  let router: RouterService;

  beforeEach(() => {
    time = T0;
    store = new MemoryRoutingStore('acme', { stickyWindowMs: 600_000, stickyWaitMs: 30_000 });
    publisher = new RecordingRouterPublisher();
    router = new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), {
      tenant: 'acme',
      offerTimeoutMs: 30_000,
      sweepIntervalMs: 1_000,
      skillRules: RULES,
      skillCatalog: CATALOG,
    });
  });

  afterEach(async () => {
    await router.stop();
  });

  const command = (payload: Omit<AgentCommandPayload, 'commandId'>): EventEnvelope<AgentCommandPayload> =>
    envelope({ commandId: newId(), ...payload });

  const presence = async (agentId: string, state: AgentPresence, skills?: string[]): Promise<void> => {
    await router.handleAgentCommand(command({ type: 'presence', agentId, presence: state, ...(skills === undefined ? {} : { skills }) }));
    time += 1;
  };

  const offered = () => publisher.lifecycle().filter((event) => event.payload.type === 'offered');

  it('gives a new interaction the requirement of the first rule that matches its brand, language and classification', async () => {
    await presence('fr1', 'ready', ['language:fr=1']);
    await presence('fr3', 'not-ready', ['language:fr=3']);
    const french = classifiedEvent(inboundMessage({ lang: 'fr' }));
    await router.handleClassified(french);
    // The first rule (brand + fr) asks for level 2: fr1 (level 1) is not offered it.
    expect(publisher.lifecycleSummary()).toEqual(['created', 'queued']);
    expect(publisher.lifecycle()[0]?.payload.requiredSkill).toBe('language:fr');
    await presence('fr3', 'ready');
    expect(offered().map((event) => event.payload.agentId)).toEqual(['fr3']);
    // Another brand's French customer: the second rule (level 1).
    const other = classifiedEvent(inboundMessage({ lang: 'fr', brandUsername: 'otherbrand', brandAccountId: '2000' }));
    await router.handleClassified(other);
    expect(offered().map((event) => event.payload.agentId)).toEqual(['fr3', 'fr1']);
  });

  it('widens the requirement in the sweep once its wait is due, and offers the interaction to the wider skill', async () => {
    await presence('any', 'ready', ['language:any']);
    await router.handleClassified(classifiedEvent(inboundMessage({ lang: 'fr' })));
    expect(offered()).toEqual([]);
    time = T0 + 60_000 + 1;
    await router.sweepOnce();
    expect(publisher.lifecycleSummary()).toEqual(['created', 'queued', 'requirement-widened', 'offered any']);
    const widened = publisher.lifecycle().find((event) => event.payload.type === 'requirement-widened')?.payload;
    expect(widened).toMatchObject({ requiredSkill: 'language:any', reason: 'widened from language:fr to language:any' });
    expect(offered().map((event) => [event.payload.agentId, event.payload.requiredSkill])).toEqual([['any', 'language:any']]);
  });

  it('refuses a presence naming a skill outside the catalog, changing nothing', async () => {
    await expect(
      router.handleAgentCommand(command({ type: 'presence', agentId: 'a1', presence: 'ready', skills: ['billing=2', 'cooking'] })),
    ).rejects.toThrow(ValidationFailedError);
    expect(await store.getAgent('a1')).toBeUndefined();
    expect(publisher.agentStates()).toEqual([]);
  });

  it('refuses at construction a rule asking for a skill outside the catalog', () => {
    expect(
      () =>
        new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), {
          tenant: 'acme',
          offerTimeoutMs: 30_000,
          sweepIntervalMs: 1_000,
          skillRules: RULES,
          skillCatalog: ['language:fr'],
        }),
    ).toThrow(/language:any, topic:complaints/);
  });

  it("marks the offer to a returning customer's last agent as sticky", async () => {
    await presence('alice', 'ready', ['topic:complaints']);
    await presence('bob', 'ready', ['topic:complaints']);
    const customer = { ...inboundMessage().author, id: '777' };
    await router.handleClassified(classifiedEvent(inboundMessage({ author: customer })));
    const first = offered()[0]?.payload;
    expect(first).toMatchObject({ agentId: 'alice' });
    expect(first?.sticky).toBeUndefined();
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId: first?.interactionId ?? '', offerId: first?.offerId ?? '' }));
    await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId: first?.interactionId ?? '' }));
    time += 1_000;
    // Bob has waited longer, but the customer is back: Alice first.
    await router.handleClassified(classifiedEvent(inboundMessage({ author: customer })));
    expect(offered()[1]?.payload).toMatchObject({ agentId: 'alice', sticky: true });
  });
});
