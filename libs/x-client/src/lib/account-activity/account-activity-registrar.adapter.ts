import { PermanentError, PerchError } from '@perch/platform';
import { type TwitterApi } from 'twitter-api-v2';

import { TwitterClientPool } from '../twitter-client-pool.adapter';
import { mapXError } from '../x-error-mapping.util';
import { XErrorCode } from '../x-client.errors';

export interface XWebhook {
  id: string;
  url: string;
  /** False once a CRC check failed: X then delivers nothing until it is re-validated. */
  valid: boolean;
  createdAt?: string;
}

export interface AccountActivityRegistrarOptions {
  /** The app-only bearer token: webhooks belong to the app. */
  appBearer: string;
  /** e.g. http://127.0.0.1:4010 for the simulator; unset means the real api.x.com. */
  apiBaseUrl?: string;
}

interface WebhookWire {
  id?: unknown;
  url?: unknown;
  valid?: unknown;
  created_at?: unknown;
}

function toWebhook(raw: WebhookWire | undefined): XWebhook | undefined {
  if (!raw || typeof raw.id !== 'string' || typeof raw.url !== 'string') return undefined;
  return {
    id: raw.id,
    url: raw.url,
    valid: raw.valid === true,
    ...(typeof raw.created_at === 'string' ? { createdAt: raw.created_at } : {}),
  };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** X says "already subscribed" or "URL already registered" in its own words; either way the wanted state holds. */
function isDuplicate(error: unknown): boolean {
  if (!(error instanceof PerchError)) return false;
  const details = error.details ?? {};
  const words = [details['title'], details['detail'], details['type'], JSON.stringify(details['errors'] ?? '')].join(' ');
  return error.code === XErrorCode.Conflict || /duplicate/i.test(words);
}

/**
 * Registers Perch's Account Activity webhook and subscribes the brands to it (reference §4), through
 * twitter-api-v2's raw v2 calls. Every step is idempotent: a restart (or a second replica) reuses what exists.
 * X checks the URL with a CRC request while these calls run, so the receiver must already be listening.
 */
export class AccountActivityRegistrar {
  private readonly app: TwitterApi;
  private readonly pool: TwitterClientPool;

  constructor(options: AccountActivityRegistrarOptions) {
    this.pool = new TwitterClientPool({ apiBaseUrl: options.apiBaseUrl });
    this.app = this.client(options.appBearer);
  }

  async listWebhooks(): Promise<XWebhook[]> {
    try {
      const response = await this.app.v2.get<{ data?: WebhookWire[] }>('webhooks');
      return (response.data ?? []).flatMap((raw) => toWebhook(raw) ?? []);
    } catch (error) {
      throw mapXError(error, 'list webhooks');
    }
  }

  /** The app's webhook for `url`, created or re-validated as needed; throws when X cannot validate it (CRC failed). */
  async ensureWebhook(url: string): Promise<XWebhook> {
    const existing = (await this.listWebhooks()).find((w) => sameUrl(w.url, url));
    if (existing) return existing.valid ? existing : this.revalidate(existing);
    try {
      const created = toWebhook((await this.app.v2.post<{ data?: WebhookWire }>('webhooks', { url })).data);
      if (!created) throw new PermanentError<XErrorCode>(`X answered POST /2/webhooks for ${url} without a webhook`, XErrorCode.WebhookInvalid);
      return created.valid ? created : this.revalidate(created);
    } catch (error) {
      const mapped = mapXError(error, 'register webhook');
      // Another replica may have registered it between our list and our post.
      if (isDuplicate(mapped)) {
        const raced = (await this.listWebhooks()).find((w) => sameUrl(w.url, url));
        if (raced) return raced.valid ? raced : this.revalidate(raced);
      }
      throw mapped;
    }
  }

  /** Subscribes the account behind `userToken` to every activity event of the webhook. */
  async subscribe(webhookId: string, userToken: string): Promise<void> {
    try {
      await this.client(userToken).v2.post(`account_activity/webhooks/${webhookId}/subscriptions/all`, undefined);
    } catch (error) {
      const mapped = mapXError(error, 'subscribe to account activity');
      if (!isDuplicate(mapped)) throw mapped;
    }
  }

  /** PUT /2/webhooks/:id makes X send a fresh CRC; the webhook is usable only once X lists it as valid again. */
  private async revalidate(webhook: XWebhook): Promise<XWebhook> {
    try {
      await this.app.v2.put(`webhooks/${webhook.id}`, undefined);
    } catch (error) {
      throw mapXError(error, 'revalidate webhook');
    }
    const after = (await this.listWebhooks()).find((w) => w.id === webhook.id);
    if (!after?.valid) {
      throw new PermanentError<XErrorCode>(`X could not validate webhook ${webhook.id} (${webhook.url}): is the CRC answered with the right consumer secret?`, XErrorCode.WebhookInvalid, {
        webhookId: webhook.id,
        url: webhook.url,
      });
    }
    return after;
  }

  private client(token: string): TwitterApi {
    return this.pool.client(token);
  }
}
