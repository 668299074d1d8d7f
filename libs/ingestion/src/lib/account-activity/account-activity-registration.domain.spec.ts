import { createLogger, PermanentError } from '@perch/platform';
import { waitFor } from '@perch/testing';
import { XErrorCode, type XWebhook } from '@perch/x-client';

import { AccountActivityRegistration, type WebhookRegistrar } from './account-activity-registration.domain';

/** X's side of registration, in memory: a webhook per URL, subscriptions per webhook, and refusals on demand. */
class InMemoryRegistrar implements WebhookRegistrar {
  webhook?: XWebhook;
  readonly subscriptions = new Map<string, string[]>();
  refusals = 0;
  private nextId = 1;

  async ensureWebhook(url: string): Promise<XWebhook> {
    if (this.refusals > 0) {
      this.refusals -= 1;
      throw new PermanentError<XErrorCode>('X refused register webhook: CrcValidationFailed', XErrorCode.InvalidRequest);
    }
    this.webhook ??= { id: String(this.nextId++), url, valid: true };
    return this.webhook;
  }

  async subscribe(webhookId: string, userToken: string): Promise<void> {
    this.subscriptions.set(webhookId, [...(this.subscriptions.get(webhookId) ?? []), userToken]);
  }

  /** Someone deleted the webhook on X's side; the next ensure creates a new one. */
  deleteWebhook(): void {
    this.webhook = undefined;
  }
}

describe(AccountActivityRegistration.name, () => {
  const brands = [
    { id: '100', username: 'acme_support', token: 'token-support' },
    { id: '200', username: 'acme_billing', token: 'token-billing' },
  ];
  const url = 'https://perch.example.com/webhooks/x';

  it('registers the webhook and subscribes every brand with its own token', async () => {
    const x = new InMemoryRegistrar();
    const registration = new AccountActivityRegistration(x, brands, url, createLogger('test'), { recheckMs: 0 });
    await registration.start();
    expect(registration.counters).toMatchObject({ registered: 1, subscribedBrands: 2, failures: 0 });
    expect(x.subscriptions.get('1')).toEqual(['token-support', 'token-billing']);
    await registration.stop();
  });

  it('keeps trying in the background when X refuses, without holding up the start', async () => {
    const x = new InMemoryRegistrar();
    x.refusals = 2;
    const registration = new AccountActivityRegistration(x, brands, url, createLogger('test'), { retryMs: 10, recheckMs: 0 });
    await registration.start();
    expect(registration.counters.registered).toBe(0);
    await waitFor('the registration', () => registration.counters.registered === 1);
    expect(registration.counters.failures).toBe(2);
    expect(registration.webhookId).toBe('1');
    await registration.stop();
  });

  it('subscribes the brands again when a re-check finds the webhook was replaced', async () => {
    const x = new InMemoryRegistrar();
    const registration = new AccountActivityRegistration(x, brands, url, createLogger('test'), { recheckMs: 10 });
    await registration.start();
    x.deleteWebhook();
    await waitFor('the re-created webhook', () => registration.webhookId === '2');
    await waitFor('both brands subscribed to the new webhook', () => x.subscriptions.get('2')?.length === 2);
    await registration.stop();
  });
});
