// npm run --silent classify < tweets.txt > labels.jsonl
// One tweet per line on stdin; one JSON object per line on stdout, in the same order:
//   {"sentiment": "...", "sentimentScore": n, "actionability": "...", "actionabilityScore": n}
// Nothing else goes to stdout; errors go to stderr.
import { createInterface } from 'node:readline';

import { TrainedClassifier } from '@perch/classification';

/** Flush stdout in chunks rather than per line: a write per tweet would cost more than classifying it. */
const CHUNK_BYTES = 64 * 1024;

async function main(): Promise<void> {
  const classifier = TrainedClassifier.load();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let buffer = '';
  for await (const line of lines) {
    const c = classifier.classify(line);
    buffer += `${JSON.stringify({
      sentiment: c.sentiment,
      sentimentScore: c.sentimentScore,
      actionability: c.actionability,
      actionabilityScore: c.actionabilityScore,
    })}\n`;
    if (buffer.length >= CHUNK_BYTES) {
      const chunk = buffer;
      buffer = '';
      if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    }
  }
  if (buffer.length > 0) process.stdout.write(buffer);
}

main().catch((error: unknown) => {
  process.stderr.write(`classify: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
