import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import { LRUCache } from 'lru-cache';
import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';

export interface TwitterClientOptions {
  /** OAuth 2.0 bearer: the app-only token, or a user-context access token. */
  token: string;
  /** e.g. http://127.0.0.1:4010 to talk to the simulator; unset means the real api.x.com. */
  apiBaseUrl?: string;
  /** Share one agent across clients; by default one keep-alive agent per protocol is shared. */
  httpAgent?: HttpAgent;
}

const X_HOSTS = /^https:\/\/(api|upload|stream)\.(x|twitter)\.com/;

let sharedHttpAgent: HttpAgent | undefined;
let sharedHttpsAgent: HttpsAgent | undefined;

function defaultAgent(baseUrl: string): HttpAgent {
  // twitter-api-v2 always calls https.request; an http: base URL only works with an http.Agent.
  if (baseUrl.startsWith('http:')) return (sharedHttpAgent ??= new HttpAgent({ keepAlive: true }));
  return (sharedHttpsAgent ??= new HttpsAgent({ keepAlive: true }));
}

/**
 * The library has no base-URL option (prefixes are hard-coded and cloneWithPrefix is broken), so a
 * plugin rewrites every request URL before it is built, for REST calls and the stream alike.
 */
export function redirectPlugin(apiBaseUrl: string): ITwitterApiClientPlugin {
  const base = apiBaseUrl.replace(/\/+$/, '');
  const redirect = (args: { params: { url: string } }): void => {
    args.params.url = args.params.url.replace(X_HOSTS, base);
  };
  return { onBeforeRequestConfig: redirect, onBeforeStreamRequestConfig: redirect };
}

/** A twitter-api-v2 client for the real X API, or for a stand-in such as @perch/x-simulator. */
export function createTwitterClient(options: TwitterClientOptions): TwitterApi {
  if (!options.apiBaseUrl) {
    return options.httpAgent ? new TwitterApi(options.token, { httpAgent: options.httpAgent }) : new TwitterApi(options.token);
  }
  return new TwitterApi(options.token, {
    httpAgent: options.httpAgent ?? defaultAgent(options.apiBaseUrl),
    plugins: [redirectPlugin(options.apiBaseUrl)],
  });
}

/**
 * twitter-api-v2 clients per token, made once and reused (each holds the plugins and the shared agent);
 * beyond `maxClients` tokens the least recently made is dropped.
 */
export class TwitterClientPool {
  private readonly clients: LRUCache<string, TwitterApi>;

  constructor(private readonly options: { apiBaseUrl?: string | undefined; httpAgent?: HttpAgent | undefined; maxClients?: number } = {}) {
    this.clients = new LRUCache({ max: options.maxClients ?? 1000 });
  }

  client(token: string): TwitterApi {
    // A peek, so the order stays that of creation, as documented above.
    const cached = this.clients.peek(token);
    if (cached) return cached;
    const client = createTwitterClient({
      token,
      ...(this.options.apiBaseUrl ? { apiBaseUrl: this.options.apiBaseUrl } : {}),
      ...(this.options.httpAgent ? { httpAgent: this.options.httpAgent } : {}),
    });
    this.clients.set(token, client);
    return client;
  }
}
