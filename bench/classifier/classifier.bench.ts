// npm run bench:classifier — how fast Perch's trained classifier labels tweets (sentiment AND actionability, with
// the features it reports) on one core, against the lexicon baseline measured in the same run; plus the model's
// load time and the process's memory. Prints progress lines and the figures, then (last line) one JSON object.
// Knobs (env):
//   BENCH_CLASSIFIER_TWEETS (200000)   classifications per timed run (cycling through the sample)
//   BENCH_CLASSIFIER_WARMUP (20000)    classifications before timing (JIT warm-up)
//   PERCH_DATASETS                     where the tweets come from (default ../shared/datasets beside the repo);
//                                      without them the bench uses built-in customer-care sample texts
import { existsSync } from 'node:fs';
import path from 'node:path';

import { findRepoRoot, LexiconClassifier, readSemevalFiles, type TextClassifier, TrainedClassifier } from '@perch/classification';

import { benchLog, envInteger } from '../bench-env.util';

interface Throughput {
  tweets: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Tweets per second of wall-clock time on the one JS thread. */
  tweetsPerSecond: number;
  /** Tweets per second of CPU time (user + system, all threads: GC included), i.e. per core. */
  tweetsPerCpuSecond: number;
}

const FALLBACK_TEXTS = [
  '@acme_support my order #1234 is two weeks late and nobody answers. Where is it?',
  '@acme_support you folks are amazing, thanks for the quick help!',
  '@acme_support how do I change the delivery address on my order?',
  'Charged twice for the same subscription @acme_support, please refund one of them',
  'lol the new @acme_support ad is everywhere this weekend 😂😂',
  '@acme_support app keeps crashing on login since the update, iPhone 12, iOS 17.2',
  'Thanks @acme_support, all sorted now :)',
  'Is the Black Friday sale on in store too? @acme_support',
];

const log = benchLog('classifier');

function sampleTexts(): { texts: string[]; source: string } {
  const datasets = process.env['PERCH_DATASETS'] || path.resolve(findRepoRoot(__dirname), '../shared/datasets');
  if (existsSync(path.join(datasets, 'semeval2017-task4a-train'))) {
    const texts = readSemevalFiles(datasets)
      .filter((t) => t.file === 'twitter-2016test-A')
      .map((t) => t.text);
    return { texts, source: `SemEval twitter-2016test (${texts.length} tweets)` };
  }
  return { texts: FALLBACK_TEXTS, source: `${FALLBACK_TEXTS.length} built-in sample texts (no datasets found at ${datasets})` };
}

function measure(classifier: TextClassifier, texts: readonly string[], warmup: number, tweets: number): Throughput {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += classifier.classify(texts[i % texts.length]).sentimentScore;
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  for (let i = 0; i < tweets; i++) {
    const c = classifier.classify(texts[i % texts.length]);
    sink += c.sentimentScore + c.actionabilityScore + c.sentimentFeatures.length;
  }
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // Keeps the optimiser from dropping the loop; never true for real scores.
  if (sink < 0) log('impossible');
  return {
    tweets,
    wallSeconds: round(wallSeconds, 3),
    cpuSeconds: round(cpuSeconds, 3),
    tweetsPerSecond: Math.round(tweets / wallSeconds),
    tweetsPerCpuSecond: Math.round(tweets / cpuSeconds),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

function main(): void {
  const tweets = envInteger('BENCH_CLASSIFIER_TWEETS', 200_000);
  const warmup = envInteger('BENCH_CLASSIFIER_WARMUP', 20_000);
  const { texts, source } = sampleTexts();
  log(`tweets: ${source}; ${warmup} warm-up + ${tweets} timed classifications per classifier`);

  const before = process.memoryUsage();
  const loadStart = process.hrtime.bigint();
  const trained = TrainedClassifier.load();
  const loadMs = round(Number(process.hrtime.bigint() - loadStart) / 1e6, 1);
  const afterLoad = process.memoryUsage();
  log(`${trained.modelName} loaded in ${loadMs} ms (RSS +${mib(afterLoad.rss - before.rss)} MiB)`);

  const lexicon = new LexiconClassifier();
  const model = measure(trained, texts, warmup, tweets);
  log(`${trained.modelName}: ${model.tweetsPerSecond} tweets/s (${model.tweetsPerCpuSecond} per CPU-second), both labels with features`);
  const baseline = measure(lexicon, texts, warmup, tweets);
  log(`${lexicon.modelName}: ${baseline.tweetsPerSecond} tweets/s (${baseline.tweetsPerCpuSecond} per CPU-second)`);

  const after = process.memoryUsage();
  const peakRssMiB = round(process.resourceUsage().maxRSS / 1024, 1);
  const result = {
    model: trained.modelName,
    source,
    loadMs,
    trained: model,
    lexicon: baseline,
    ratioToLexicon: round(model.tweetsPerSecond / baseline.tweetsPerSecond, 3),
    memory: {
      rssBeforeLoadMiB: mib(before.rss),
      rssAfterLoadMiB: mib(afterLoad.rss),
      peakRssMiB,
      heapUsedAfterLoadMiB: mib(afterLoad.heapUsed),
      heapUsedAtEndMiB: mib(after.heapUsed),
      /** Typed arrays (the weights) live outside the JS heap. */
      arrayBuffersMiB: mib(after.arrayBuffers),
    },
  };
  log('---- figures ----');
  log(`trained: ${model.tweetsPerSecond} tweets/s wall, ${model.tweetsPerCpuSecond} tweets/CPU-s (sentiment + actionability + features, one thread)`);
  log(`lexicon: ${baseline.tweetsPerSecond} tweets/s wall, ${baseline.tweetsPerCpuSecond} tweets/CPU-s; trained/lexicon ratio ${result.ratioToLexicon}`);
  log(`model load ${loadMs} ms; RSS ${result.memory.rssBeforeLoadMiB} → ${result.memory.rssAfterLoadMiB} MiB after load, peak ${peakRssMiB} MiB; heap used ${result.memory.heapUsedAtEndMiB} MiB; array buffers ${result.memory.arrayBuffersMiB} MiB`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
