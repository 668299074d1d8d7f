// npm run bench:contracts — how many Kafka messages per second the codec decodes and validates (JSON.parse, envelope
// header, payload), with the compiled validators of @perch/contracts against the class-validator path they replaced
// (plainToInstance + validateSync, rebuilt here as the codec had it), measured in the same run, alternating rounds;
// rates per CPU-second of this process (the ratio's basis) and per wall-clock second.
// Two realistic events: a routing.interaction.v1 'offered' (the largest per-tweet event: message, author,
// classification) and an x.inbound.received.v1. Also the publish-side check (validatePayload) of the same payloads.
// Prints progress lines and the figures, then (last line) one JSON object.
// Knobs (env):
//   BENCH_CONTRACTS_OPS (50000)      decodes per timed round and path
//   BENCH_CONTRACTS_ROUNDS (5)       timed rounds per path (the median is reported)
//   BENCH_CONTRACTS_WARMUP (20000)   decodes per path before timing (JIT warm-up)
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';

import {
  createEnvelope,
  decodeEvent,
  encodeEvent,
  EnvelopeHeader,
  type PayloadOf,
  topicDefinition,
  type TopicName,
  Topics,
  validatePayload,
} from '@perch/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { benchLog, envInteger } from '../bench-env.util';

const log = benchLog('contracts');

// The codec's options before compiled validation (whitelist: tolerant reader).
const VALIDATION = { whitelist: true, forbidUnknownValues: true } as const;

/** The decode the codec did before: class-transformer instances, then class-validator (errors only counted). */
function classValidatorDecode(topic: TopicName, raw: string): unknown {
  const parsed = JSON.parse(raw) as { payload: unknown };
  const header = plainToInstance(EnvelopeHeader, parsed);
  if (validateSync(header, VALIDATION).length > 0) throw new Error('invalid envelope');
  const payload = plainToInstance(topicDefinition(topic).payloadClass, parsed.payload);
  if (validateSync(payload as object, VALIDATION).length > 0) throw new Error('invalid payload');
  return { ...header, payload };
}

function classValidatorCheck(topic: TopicName, payload: object): unknown {
  const instance = plainToInstance(topicDefinition(topic).payloadClass, payload);
  if (validateSync(instance as object, VALIDATION).length > 0) throw new Error('invalid payload');
  return payload;
}

const MESSAGE: PayloadOf<typeof Topics.InboundReceived> = {
  messageId: '1790000000000000001',
  kind: 'mention',
  source: 'stream',
  brandAccountId: '1700000000000000001',
  brandUsername: 'acme_support',
  conversationKey: '1700000000000000001:1790000000000000001',
  threadId: '1790000000000000001',
  text: '@acme_support my order #1234 is two weeks late and nobody answers. Where is it? @acme_help',
  createdAt: '2026-11-24T09:00:00.000Z',
  lang: 'en',
  mentions: ['acme_support', 'acme_help'],
  author: {
    id: '1600000000000000042',
    username: 'catperson',
    name: 'Cat Person',
    followersCount: 1234,
    followingCount: 321,
    tweetCount: 9876,
    profileUrl: 'https://x.com/catperson',
    followsBrand: true,
  },
  receivedAt: 1_764_000_000_000,
};

const OFFERED: PayloadOf<typeof Topics.InteractionLifecycle> = {
  interactionId: randomUUID(),
  type: 'offered',
  conversationKey: MESSAGE.conversationKey,
  brandAccountId: MESSAGE.brandAccountId,
  priority: 2,
  agentId: 'agent-0042',
  offerId: randomUUID(),
  offerExpiresAt: '2026-11-24T09:01:00.000Z',
  message: MESSAGE,
  classification: {
    sentiment: 'negative',
    sentimentScore: 0.91,
    actionability: 'actionable',
    actionabilityScore: 0.87,
    sentimentFeatures: ['late', 'nobody answers'],
    actionabilityFeatures: ['order', 'where is'],
    model: 'perch-linear@3',
  },
  channel: 'public',
  requiredSkill: 'billing',
  interactionCreatedAt: '2026-11-24T09:00:01.000Z',
};

function wire<T extends TopicName>(topic: T, payload: PayloadOf<T>): string {
  return encodeEvent<T>(createEnvelope(topic, payload, { correlationId: randomUUID(), causationId: randomUUID() }, 'router'));
}

interface Rate {
  /** Per second of wall-clock time. */
  opsPerSecond: number;
  /** Per second of this process's CPU time (user + system): what a shared or busy machine disturbs least. */
  opsPerCpuSecond: number;
  cpuMicrosPerOp: number;
}

interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

function time(ops: number, run: () => void): Timing {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) run();
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function rate(ops: number, timings: readonly Timing[]): Rate {
  const wall = median(timings.map((t) => t.wallSeconds));
  const cpu = median(timings.map((t) => t.cpuSeconds));
  return { opsPerSecond: Math.round(ops / wall), opsPerCpuSecond: Math.round(ops / cpu), cpuMicrosPerOp: round2((cpu / ops) * 1e6) };
}

/** Both paths, alternating round by round so drift and neighbours weigh on them alike; medians of the rounds. */
function compare(name: string, legacy: () => void, compiled: () => void, ops: number, rounds: number, warmup: number) {
  time(warmup, legacy);
  time(warmup, compiled);
  const legacyTimings: Timing[] = [];
  const compiledTimings: Timing[] = [];
  for (let round = 0; round < rounds; round++) {
    legacyTimings.push(time(ops, legacy));
    compiledTimings.push(time(ops, compiled));
  }
  const classValidator = rate(ops, legacyTimings);
  const compiledRate = rate(ops, compiledTimings);
  // On CPU time: the figure that says what the change saves the services' cores.
  const ratio = round2(compiledRate.opsPerCpuSecond / classValidator.opsPerCpuSecond);
  log(
    `${name}: class-validator ${classValidator.opsPerCpuSecond}/CPU-s (${classValidator.cpuMicrosPerOp} µs, ${classValidator.opsPerSecond}/s wall), ` +
      `compiled ${compiledRate.opsPerCpuSecond}/CPU-s (${compiledRate.cpuMicrosPerOp} µs, ${compiledRate.opsPerSecond}/s wall): ×${ratio}`,
  );
  return { classValidator, compiled: compiledRate, ratio };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function main(): void {
  const ops = envInteger('BENCH_CONTRACTS_OPS', 50_000);
  const rounds = envInteger('BENCH_CONTRACTS_ROUNDS', 5);
  const warmup = envInteger('BENCH_CONTRACTS_WARMUP', 20_000);
  log(`${ops} operations per round, ${rounds} rounds per path, ${warmup} warm-up; node ${process.version}`);

  const offeredRaw = wire(Topics.InteractionLifecycle, OFFERED);
  const inboundRaw = wire(Topics.InboundReceived, MESSAGE);
  // Both paths must agree before they are timed.
  for (const [topic, raw] of [[Topics.InteractionLifecycle, offeredRaw], [Topics.InboundReceived, inboundRaw]] as const) {
    const compiled: unknown = JSON.parse(JSON.stringify(decodeEvent(topic, raw)));
    const legacy: unknown = JSON.parse(JSON.stringify(classValidatorDecode(topic, raw)));
    if (!isDeepStrictEqual(compiled, legacy)) {
      throw new Error(`${topic}: the two paths decode differently`);
    }
  }

  const decodeOffered = compare(
    'decode routing.interaction.v1 offered',
    () => classValidatorDecode(Topics.InteractionLifecycle, offeredRaw),
    () => decodeEvent(Topics.InteractionLifecycle, offeredRaw),
    ops,
    rounds,
    warmup,
  );
  const decodeInbound = compare(
    'decode x.inbound.received.v1',
    () => classValidatorDecode(Topics.InboundReceived, inboundRaw),
    () => decodeEvent(Topics.InboundReceived, inboundRaw),
    ops,
    rounds,
    warmup,
  );
  const publishOffered = compare(
    'validate before publish routing.interaction.v1 offered',
    () => classValidatorCheck(Topics.InteractionLifecycle, OFFERED),
    () => validatePayload(Topics.InteractionLifecycle, OFFERED),
    ops,
    rounds,
    warmup,
  );
  const parseOnly = time(ops, () => JSON.parse(offeredRaw));
  const loadAverage = os.loadavg()[0] ?? 0;

  const result = {
    ops,
    rounds,
    node: process.version,
    bytes: { offered: offeredRaw.length, inbound: inboundRaw.length },
    decode: { interactionOffered: decodeOffered, inboundReceived: decodeInbound },
    publish: { interactionOffered: publishOffered },
    /** JSON.parse alone of the offered event: the floor under either decode path. */
    jsonParseOfferedPerCpuSecond: Math.round(ops / parseOnly.cpuSeconds),
    /** The machine's 1-minute load average at the end, against its core count: how much neighbours disturbed the run. */
    loadAverage: round2(loadAverage),
    cores: os.cpus().length,
  };
  log('---- figures ----');
  log(`decode offered: ×${decodeOffered.ratio}; decode inbound: ×${decodeInbound.ratio}; publish check offered: ×${publishOffered.ratio}`);
  log(`JSON.parse alone (offered): ${result.jsonParseOfferedPerCpuSecond}/CPU-s; load average ${result.loadAverage} on ${result.cores} cores`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
