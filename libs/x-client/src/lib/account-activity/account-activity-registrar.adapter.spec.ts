// AccountActivityRegistrar against the simulator's /2/webhooks and subscription endpoints, with a local receiver
// answering the CRC the simulator sends during registration.
import { PerchError } from '@perch/platform';

import { APP_TOKEN, BRAND_TOKEN, startSimulatorWorld, startWebhookReceiver, type SimulatorWorld, type WebhookReceiver } from '../testing/simulator-world.fixtures';
import { AccountActivityRegistrar } from './account-activity-registrar.adapter';

describe(AccountActivityRegistrar.name, () => {
  let world: SimulatorWorld;
  let receiver: WebhookReceiver;
  let registrar: AccountActivityRegistrar;

  beforeAll(async () => {
    world = await startSimulatorWorld({ rateLimits: 'unlimited' });
  });
  afterAll(() => world.stop());
  beforeEach(async () => {
    world.sim.reset();
    receiver = await startWebhookReceiver();
    registrar = new AccountActivityRegistrar({ appBearer: APP_TOKEN, apiBaseUrl: world.baseUrl });
  });
  afterEach(() => receiver.close());

  it('registers the webhook once X’s CRC is answered, and reuses it afterwards', async () => {
    const created = await registrar.ensureWebhook(receiver.url);
    expect(created).toMatchObject({ url: receiver.url, valid: true });
    expect(receiver.crcTokens).toHaveLength(1);
    const again = await registrar.ensureWebhook(receiver.url);
    expect(again.id).toBe(created.id);
    expect(world.sim.webhooks()).toHaveLength(1);
  });

  it('re-validates a webhook X marked invalid after a missed CRC', async () => {
    const created = await registrar.ensureWebhook(receiver.url);
    receiver.crc = 503;
    await world.sim.runWebhookCrc();
    expect(world.sim.webhooks()[0]?.valid).toBe(false);
    receiver.crc = 'correct';
    const revalidated = await registrar.ensureWebhook(receiver.url);
    expect(revalidated).toMatchObject({ id: created.id, valid: true });
  });

  it('fails with X’s reason when the CRC is answered with the wrong secret', async () => {
    receiver.crc = 'wrong';
    const failure = await registrar.ensureWebhook(receiver.url).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PerchError);
    expect(String((failure as PerchError).message) + JSON.stringify((failure as PerchError).details)).toMatch(/CrcValidationFailed/);
    expect(world.sim.webhooks()).toEqual([]);
  });

  it('subscribes a brand with its own token, and treats subscribing again as done', async () => {
    const webhook = await registrar.ensureWebhook(receiver.url);
    await registrar.subscribe(webhook.id, BRAND_TOKEN);
    await registrar.subscribe(webhook.id, BRAND_TOKEN);
    expect(world.sim.webhooks()[0]?.subscriptions).toEqual([world.brand.id]);
  });
});
