import { PostgresInteractionStore } from '@perch/interactions';
import { RecordingEventPublisher } from '@perch/messaging';
import { MemoryRoutingStore, RoutingStoreAssignmentReader } from '@perch/routing';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { agentProfile, seedInteraction, UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { ConsultationsService } from './consultations.service';
import { HolderChecks } from './holder-checks.service';

// GET /api/agents/me/consultations on the real PostgreSQL (DATABASE_URL): a consultation written through the interaction
// store by one gateway is read back from the persisted transcript, also by another gateway process (a colleague who was
// offline reconnects elsewhere), with only what is addressed to or made by the reader.
const pool = sharedDatabasePool(4);
const schema = freshSchema(pool);

afterAll(async () => {
  await schema.drop();
  await pool.end();
});

describe('consultations addressed to an agent, on PostgreSQL', () => {
  const ada = agentProfile('ada');
  const bob = agentProfile('bob');
  const cleo = agentProfile('cleo');
  const directory = { getAgent: (id: string) => ([ada, bob, cleo].find((agent) => agent.id === id) ?? null) };

  function gateway(store: PostgresInteractionStore, routing: MemoryRoutingStore): ConsultationsService {
    const holders = new HolderChecks(new RoutingStoreAssignmentReader(routing), store, UNIT_OPTIONS);
    return new ConsultationsService(holders, directory, store, new RecordingEventPublisher('gateway'), UNIT_OPTIONS, { send: () => 0 });
  }

  it('reads back the consultation written through the store, newest first, from another gateway too', async () => {
    const routing = new MemoryRoutingStore('consultations-it');
    const writer = new PostgresInteractionStore({ pool, schema: schema.name });
    await writer.start();
    const first = await seedInteraction({ store: writer, routing }, { agentId: 'ada' });
    const second = await seedInteraction({ store: writer, routing }, { agentId: 'ada' });
    const consultations = gateway(writer, routing);
    const asked = await consultations.consult(ada, first.interactionId, { withAgentId: 'bob', text: 'Refund under 3 hours?' });
    await consultations.consult(ada, first.interactionId, { withAgentId: 'cleo', text: 'Seen this customer?' });
    const latest = await consultations.consult(ada, second.interactionId, { withAgentId: 'bob', text: 'VIP wording?' });
    await writer.stop();

    // Another process on the same database: nothing of the writer's memory, only what PostgreSQL kept.
    const reader = new PostgresInteractionStore({ pool, schema: schema.name });
    await reader.start();
    const elsewhere = gateway(reader, routing);
    const page = await elsewhere.listMine(bob);
    expect(page.nextCursor).toBeUndefined();
    expect(page.items.map((thread) => [thread.interaction.id, thread.consultations])).toEqual([
      [second.interactionId, [latest]],
      [first.interactionId, [asked]],
    ]);
    expect(page.items[0]?.interaction).toMatchObject({ agentId: 'ada', state: 'active' });

    const firstPage = await elsewhere.listMine(bob, { limit: 1 });
    expect(firstPage.items.map((thread) => thread.interaction.id)).toEqual([second.interactionId]);
    const nextPage = await elsewhere.listMine(bob, { limit: 1, cursor: firstPage.nextCursor ?? '' });
    expect(nextPage.items.map((thread) => thread.interaction.id)).toEqual([first.interactionId]);
    expect((await elsewhere.listMine(cleo)).items.map((thread) => thread.consultations.map((entry) => entry.text))).toEqual([['Seen this customer?']]);
    expect((await elsewhere.listMine(ada)).items).toEqual([]);
    await reader.stop();
  });
});
