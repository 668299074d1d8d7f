import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { XSimulator, type AdminAccountView, type XSimulatorOptions } from '@perch/x-simulator';
import { ApiResponseError, type TwitterApi } from 'twitter-api-v2';

import { createTwitterClient } from '../twitter-client-pool.adapter';

export const APP_TOKEN = 'test-app-bearer';
export const BRAND = 'acme_support';
export const BRAND_TOKEN = 'acme-support-user-token';
/** The app's consumer secret in every simulator world: it keys webhook CRCs and signatures. */
export const CONSUMER_SECRET = 'test-consumer-secret';

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
  customer(username: string, options?: { followsBrand?: boolean; followersCount?: number; receivesYourDm?: boolean }): AdminAccountView;
  stop(): Promise<void>;
}

export async function startSimulatorWorld(options: XSimulatorOptions = {}): Promise<SimulatorWorld> {
  const sim = new XSimulator({
    keepAliveMs: 20_000,
    consumerSecret: CONSUMER_SECRET,
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
        receivesYourDm: opts.receivesYourDm,
      }),
    stop: () => sim.stop(),
  };
}

/** The ApiResponseError a call is refused with; success or any other error fails the test. */
export async function refusal(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiResponseError)) throw new Error(`expected ApiResponseError, got ${String(error)}`);
  return error;
}

/** One event POST as a webhook receiver got it. */
export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
  /** x-twitter-webhooks-signature checked against the raw body, computed here independently. */
  signatureValid: boolean;
}

/** A local Account Activity receiver: answers CRCs (correctly or not) and records event POSTs. */
export interface WebhookReceiver {
  url: string;
  /** "correct" answers with X's formula; "wrong" signs with another secret; a number answers that status. */
  crc: 'correct' | 'wrong' | number;
  /** Status answered to event POSTs. */
  deliveryStatus: number;
  readonly crcTokens: string[];
  readonly deliveries: ReceivedDelivery[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  options: { consumerSecret?: string; crc?: WebhookReceiver['crc']; path?: string } = {},
): Promise<WebhookReceiver> {
  const secret = options.consumerSecret ?? CONSUMER_SECRET;
  const sign = (key: string, message: string) => `sha256=${createHmac('sha256', key).update(message).digest('base64')}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver.local');
      if (req.method === 'GET') {
        const token = url.searchParams.get('crc_token') ?? '';
        receiver.crcTokens.push(token);
        if (typeof receiver.crc === 'number') {
          res.writeHead(receiver.crc).end();
          return;
        }
        const responseToken = sign(receiver.crc === 'correct' ? secret : `${secret}-wrong`, token);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_token: responseToken }));
        return;
      }
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-twitter-webhooks-signature'];
      const expected = Buffer.from(sign(secret, rawBody));
      const given = Buffer.from(typeof header === 'string' ? header : '');
      receiver.deliveries.push({
        headers: req.headers,
        rawBody,
        body: JSON.parse(rawBody) as Record<string, unknown>,
        signatureValid: expected.length === given.length && timingSafeEqual(expected, given),
      });
      res.writeHead(receiver.deliveryStatus).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}${options.path ?? '/webhooks/x'}`,
    crc: options.crc ?? 'correct',
    deliveryStatus: 200,
    crcTokens: [],
    deliveries: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
