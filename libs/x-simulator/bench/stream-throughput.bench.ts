// Filtered-stream throughput benchmark: prints figures, asserts nothing. The reader runs in a child
// process (as the ingestor would), so simulator and reader do not share one CPU. Run:
//   npx jest -c jest.config.js --testMatch '**/stream-throughput.bench.ts' --testTimeout 120000
// BENCH_RATE (tweets/s offered by the generator, default 20000) and BENCH_SECONDS (default 5) tune it.
// Under jest the simulator itself runs 2-3x slower (VM sandbox); compiled on plain node it produced
// ~20k/s and a raw reader took 15-28k tweets/s on a shared 2-vCPU box (see README, Performance).
import { spawn } from 'node:child_process';

import { XSimulator } from '../src';

const RATE = Number(process.env['BENCH_RATE'] ?? 20_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const BRAND = 'acme_support';
const QUERY =
  'tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,entities' +
  '&expansions=author_id,entities.mentions.username&user.fields=username,public_metrics';

// Plain JS readers for the child process; each prints its running count of parsed tweets.
const RAW_READER = `
const http = require('node:http');
let received = 0, bytes = 0, tail = '';
http.get(process.env.STREAM_URL, { headers: { authorization: 'Bearer ' + process.env.TOKEN } }, (res) => {
  res.setEncoding('utf8');
  res.on('data', (chunk) => {
    bytes += chunk.length;
    const lines = (tail + chunk).split('\\r\\n');
    tail = lines.pop();
    for (const line of lines) if (line.length > 0) { JSON.parse(line); received++; }
  });
  console.log(JSON.stringify({ connected: true }));
});
setInterval(() => console.log(JSON.stringify({ received, bytes })), 100);
`;

const LIBRARY_READER = `
const { Agent } = require('node:http');
const { TwitterApi, ETwitterStreamEvent } = require('twitter-api-v2');
const base = process.env.BASE_URL;
const redirect = (a) => { a.params.url = a.params.url.replace(/^https:\\/\\/(api|upload|stream)\\.(x|twitter)\\.com/, base); };
const client = new TwitterApi(process.env.TOKEN, { httpAgent: new Agent({ keepAlive: true }), plugins: [{ onBeforeRequestConfig: redirect, onBeforeStreamRequestConfig: redirect }] });
let received = 0;
const stream = client.v2.searchStream({ autoConnect: false, 'tweet.fields': ['created_at','author_id','conversation_id','in_reply_to_user_id','referenced_tweets','entities'], expansions: ['author_id','entities.mentions.username'], 'user.fields': ['username','public_metrics'] });
stream.on(ETwitterStreamEvent.Data, () => received++);
stream.connect({ autoReconnect: false }).then(() => console.log(JSON.stringify({ connected: true })));
setInterval(() => console.log(JSON.stringify({ received, bytes: 0 })), 100);
`;

async function run(label: string, script: string): Promise<void> {
  const sim = new XSimulator({
    seed: { brands: [{ username: BRAND, token: 'acme-token' }] },
    rateLimits: 'unlimited',
    maxStoredTweets: 50_000,
  });
  const { baseUrl } = await sim.start(0);
  await fetch(`${baseUrl}/2/tweets/search/stream/rules`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.appBearerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ add: [{ value: `@${BRAND} -is:retweet`, tag: 'support' }] }),
  });
  const child = spawn(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, BASE_URL: baseUrl, STREAM_URL: `${baseUrl}/2/tweets/search/stream?${QUERY}`, TOKEN: sim.appBearerToken },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let latest = { received: 0, bytes: 0 };
  let connected = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      const msg = JSON.parse(line) as { connected?: boolean; received?: number; bytes?: number };
      if (msg.connected) connected = true;
      if (msg.received !== undefined) latest = { received: msg.received, bytes: msg.bytes ?? 0 };
    }
  });
  try {
    const connectDeadline = Date.now() + 5000;
    while (!connected && Date.now() < connectDeadline) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    sim.startGenerator({ rate: RATE, customers: 2000, brand: BRAND, durationMs: SECONDS * 1000, seed: 'bench' });
    while (sim.runtime.generator.status().running) await new Promise((r) => setTimeout(r, 50));
    const produced = sim.stats().tweetsCreated;
    const drainDeadline = Date.now() + 10_000;
    while (latest.received < produced && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 20));
    const ms = Date.now() - started;
    console.log(
      `${label}: offered ${RATE}/s for ${SECONDS}s; generator produced ${produced} ` +
        `(${Math.round((produced * 1000) / (SECONDS * 1000))}/s), stream wrote ${sim.stats().streamDelivered}, ` +
        `reader parsed ${latest.received} in ${ms} ms = ${Math.round((latest.received * 1000) / ms)} tweets/s` +
        (latest.bytes ? `, ${(latest.bytes / ms / 1000).toFixed(1)} MB/s` : ''),
    );
  } finally {
    child.kill();
    await sim.stop();
  }
}

describe('filtered stream throughput (reader in a child process)', () => {
  it('raw node:http reader with JSON.parse per line', () => run('raw reader', RAW_READER));
  it('twitter-api-v2 TweetStream reader', () => run('twitter-api-v2 reader', LIBRARY_READER));
});
