import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { type MemoryBus, startMemoryBus, waitFor } from '@perch/testing';

import { MemoryCorrectionStore } from './corrections/memory-correction-store.adapter';
import { type InteractionsModuleDeps } from './interactions-deps.types';
import { InteractionsModule } from './interactions.module';
import { buildCorrected, buildLifecycle } from './testing/interaction.fixtures';
import { MemoryInteractionStore } from './view/memory-interaction-store.adapter';

describe(InteractionsModule.name, () => {
  let memory: MemoryBus;
  let bus: EventBus;
  let store: MemoryInteractionStore;
  let corrections: MemoryCorrectionStore;
  let app: INestApplicationContext | undefined;

  async function boot(options: InteractionsModuleDeps['options'] = {}): Promise<void> {
    const module = InteractionsModule.register({ bus, interactionStore: store, correctionStore: corrections, options });
    app = await NestFactory.createApplicationContext(module, { logger: false });
  }

  beforeEach(async () => {
    memory = await startMemoryBus('router');
    bus = memory.bus;
    store = new MemoryInteractionStore();
    corrections = new MemoryCorrectionStore();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await memory.stop();
  });

  it("keeps the agent's view of an interaction from the router's events, and its corrected labels", async () => {
    await boot();
    const offered = buildLifecycle('offered', { agentId: 'ada' });
    await bus.publish(Topics.InteractionLifecycle, offered, { correlationId: 'corr-1' });
    await bus.publish(Topics.InteractionLifecycle, { ...offered, type: 'accepted' }, { correlationId: 'corr-1' });
    await waitFor('the accepted view', async () => (await store.get(offered.interactionId))?.state === 'active', 10_000);
    const correction = buildCorrected({ interactionId: offered.interactionId, messageId: offered.message?.messageId ?? '', agentId: 'ada' });
    await bus.publish(Topics.ClassificationCorrected, correction, { correlationId: 'corr-1' });
    const view = await waitFor('the corrected view', async () => (await store.get(offered.interactionId))?.classificationCorrection ?? undefined, 10_000);
    expect(view).toMatchObject({ sentiment: 'neutral', agentId: 'ada', correctionId: correction.correctionId });
  });

  it('keeps every classification correction once, as training data', async () => {
    await boot();
    const correction = buildCorrected();
    await bus.publish(Topics.ClassificationCorrected, correction, { correlationId: 'corr-2' });
    await bus.publish(Topics.ClassificationCorrected, correction, { correlationId: 'corr-2' });
    await waitFor('the kept correction', async () => (await corrections.list()).length > 0, 10_000);
    expect((await corrections.list()).map((record) => record.correctionId)).toEqual([correction.correctionId]);
  });

  it('subscribes nothing for the parts turned off (projector, correction recorder)', async () => {
    await boot({ run: { projector: false, correctionRecorder: false } });
    const offered = buildLifecycle('offered', { agentId: 'ada' });
    await bus.publish(Topics.InteractionLifecycle, offered, { correlationId: 'corr-3' });
    await bus.publish(Topics.ClassificationCorrected, buildCorrected(), { correlationId: 'corr-3' });
    // A group of this test reads both topics from the start: once it has both events, the module's groups would have too.
    const seen = new Set<string>();
    await bus.subscribe(Topics.InteractionLifecycle, 'interactions-module-spec-routing', async () => void seen.add('routing'), { fromBeginning: true });
    await bus.subscribe(Topics.ClassificationCorrected, 'interactions-module-spec-corrections', async () => void seen.add('correction'), {
      fromBeginning: true,
    });
    await waitFor('both events on their topics', () => seen.size === 2, 10_000);
    expect(await store.get(offered.interactionId)).toBeNull();
    expect(await corrections.list()).toEqual([]);
  });
});
