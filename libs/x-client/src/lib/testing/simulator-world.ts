import { XSimulator, type AdminAccountView, type XSimulatorOptions } from '@perch/x-simulator';
import type { TwitterApi } from 'twitter-api-v2';

import { createTwitterClient } from '../twitter-client.factory';

export const APP_TOKEN = 'test-app-bearer';
export const BRAND = 'acme_support';
export const BRAND_TOKEN = 'acme-support-user-token';

/** A simulator on 127.0.0.1:0 with one brand, plus twitter-api-v2 clients pointed at it. */
export interface SimulatorWorld {
  sim: XSimulator;
  baseUrl: string;
  brand: AdminAccountView;
  /** App-only client (stream, rules). */
  app: TwitterApi;
  /** The brand's user-context client. */
  brandClient: TwitterApi;
  clientFor(token: string): TwitterApi;
  customer(username: string, options?: { followsBrand?: boolean; followersCount?: number }): AdminAccountView;
  stop(): Promise<void>;
}

export async function startSimulatorWorld(options: XSimulatorOptions = {}): Promise<SimulatorWorld> {
  const sim = new XSimulator({
    keepAliveMs: 20_000,
    ...options,
    seed: { appBearerToken: APP_TOKEN, brands: [{ username: BRAND, token: BRAND_TOKEN }], ...options.seed },
  });
  const { baseUrl } = await sim.start(0);
  const clientFor = (token: string) => createTwitterClient({ token, apiBaseUrl: baseUrl });
  return {
    sim,
    baseUrl,
    get brand() {
      return sim.account(BRAND);
    },
    app: clientFor(APP_TOKEN),
    brandClient: clientFor(BRAND_TOKEN),
    clientFor,
    customer: (username, opts = {}) =>
      sim.createAccount({
        username,
        kind: 'customer',
        followersCount: opts.followersCount,
        followsBrand: opts.followsBrand ? [BRAND] : undefined,
      }),
    stop: () => sim.stop(),
  };
}
