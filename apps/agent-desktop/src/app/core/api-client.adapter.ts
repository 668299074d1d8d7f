import type { ErrorResponseBody } from '@perch/desktop-api';

/** A refusal from the gateway: its HTTP status and body (a stable `code`, a `message` for people, the bad fields). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorResponseBody> | null,
  ) {
    super(body?.message ?? `Request failed (${status})`);
  }

  get code(): string | undefined {
    return this.body?.code;
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClientOptions {
  /** The bearer token now (null when signed out). */
  token: () => string | null;
  /** A 401 on a signed-in request: the token expired or was revoked. */
  onUnauthorized: () => void;
  fetch?: typeof fetch;
  /** How the client waits before sending a request the gateway was too busy to take (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

/** A request refused as gateway-busy is sent again this many times at most (the gateway did nothing with it). */
const BUSY_RETRIES = 3;

/**
 * The gateway's REST API (/api) with the session's bearer token. Typed by the caller with @perch/desktop-api's types:
 * `api.get<InteractionView[]>('/api/interactions')`. Refusals throw ApiError.
 */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /**
   * A 503 gateway-busy (ADR 41) is sent again after its Retry-After, up to BUSY_RETRIES times: the gateway refused it
   * before doing anything, so even a reply is safe to send again. Any other refusal throws at once.
   */
  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const token = this.options.token();
      const response = await (this.options.fetch ?? fetch)(path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const data: unknown = text ? parseJson(text) : null;
      if (response.status === 401 && token) this.options.onUnauthorized();
      if (response.ok) return data as T;
      const error = new ApiError(response.status, isErrorBody(data) ? data : null);
      if (error.code !== 'gateway-busy' || attempt >= BUSY_RETRIES) throw error;
      // Desktops refused together do not all come back in the same instant.
      await (this.options.sleep ?? sleep)(retryAfterMs(response.headers.get('retry-after')) + Math.floor(Math.random() * 250));
    }
  }
}

/** Retry-After in seconds (1 when absent or unreadable, 10 at most) as ms. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1_000 : 1_000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isErrorBody(data: unknown): data is Partial<ErrorResponseBody> {
  return typeof data === 'object' && data !== null && 'message' in data;
}

/** An error in words for a notice. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
