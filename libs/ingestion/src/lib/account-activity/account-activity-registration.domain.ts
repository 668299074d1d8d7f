import { backoffDelay, errorMessage, type Logger } from '@perch/platform';
import { type BrandAccount, type XWebhook } from '@perch/x-client';


/** What registration needs from X (AccountActivityRegistrar from @perch/x-client). */
export interface WebhookRegistrar {
  ensureWebhook(url: string): Promise<XWebhook>;
  subscribe(webhookId: string, userToken: string): Promise<void>;
}

export interface AccountActivityRegistrationOptions {
  /** Ceiling of the first pause after a failed attempt; it doubles per failure up to 15 minutes (full jitter). Default 30 s. */
  retryMs?: number;
  /**
   * How often to check that X still calls the webhook valid. X re-sends the CRC hourly and stops delivering to a
   * webhook that missed one (e.g. while Perch was down); the check re-validates it. Default 15 minutes; 0 = never.
   */
  recheckMs?: number;
}

export interface AccountActivityRegistrationCounters {
  attempts: number;
  failures: number;
  /** 1 once the webhook is registered and every brand subscribed. */
  registered: number;
  subscribedBrands: number;
}

/**
 * Keeps Perch's webhook registered with X and every brand subscribed to it. Started after the HTTP server listens,
 * since X validates the URL with a CRC request during registration; retried in the background on failure (the DM
 * poll covers meanwhile), so a slow or refusing X never blocks the ingestor's start.
 */
export class AccountActivityRegistration {
  readonly counters: AccountActivityRegistrationCounters = { attempts: 0, failures: 0, registered: 0, subscribedBrands: 0 };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private webhook?: XWebhook;

  constructor(
    private readonly registrar: WebhookRegistrar,
    private readonly brands: readonly BrandAccount[],
    private readonly url: string,
    private readonly logger: Logger,
    private readonly options: AccountActivityRegistrationOptions = {},
  ) {}

  get webhookId(): string | undefined {
    return this.webhook?.id;
  }

  /** Starts registering in the background; resolves after the first attempt (whatever its outcome). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One full registration: the webhook exists and is valid, and every brand is subscribed. */
  async registerOnce(): Promise<XWebhook> {
    const webhook = await this.registrar.ensureWebhook(this.url);
    let subscribed = 0;
    for (const brand of this.brands) {
      await this.registrar.subscribe(webhook.id, brand.token);
      subscribed += 1;
    }
    this.webhook = webhook;
    this.counters.subscribedBrands = subscribed;
    this.counters.registered = 1;
    return webhook;
  }

  private attempt(failures: number): Promise<void> {
    const work = (async () => {
      this.counters.attempts += 1;
      try {
        const webhook = this.webhook ? await this.registrar.ensureWebhook(this.url) : await this.registerOnce();
        if (webhook.id !== this.webhook?.id) {
          // Someone deleted and re-created the webhook: the brands must be subscribed to the new one.
          await this.registerOnce();
        }
        this.logger.info({ webhookId: this.webhook?.id, url: this.url, brands: this.brands.map((b) => b.username) }, 'account activity webhook registered');
        const recheck = this.options.recheckMs ?? 15 * 60_000;
        if (recheck > 0) this.schedule(recheck, 0);
      } catch (error) {
        this.counters.failures += 1;
        this.counters.registered = 0;
        const wait = backoffDelay({ attempt: failures + 1, baseMs: this.options.retryMs ?? 30_000, maxMs: 15 * 60_000 });
        this.logger.error({ url: this.url, err: errorMessage(error), retryInMs: wait }, 'account activity webhook registration failed; DM polling covers meanwhile');
        this.schedule(wait, failures + 1);
      }
    })();
    this.running = work;
    return work;
  }

  private schedule(delayMs: number, failures: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.attempt(failures), delayMs);
    this.timer.unref?.();
  }
}
