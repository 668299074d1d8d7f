import 'reflect-metadata';

import { once } from 'node:events';

import { exportCorrectionsAsJsonLines, PostgresCorrectionStore } from '@perch/interactions';
import { errorMessage, loadConfig } from '@perch/platform';
import { DatabaseError, Pool } from 'pg';

import { GatewayDatabaseConfig, gatewayDbSchema } from '../gateway.config';

// Writes every classification correction agents made to stdout as JSON lines, oldest first, one training
// example a line: {text, sentiment?, actionability?, originalSentiment, originalActionability, model, correctedAt}.
// Reads DATABASE_URL, GATEWAY_DB_SCHEMA and PERCH_NAMESPACE like the gateway. Only data goes to stdout (the
// summary and errors go to stderr), so `npm run --silent corrections:export > corrections.jsonl` is clean.

const UNDEFINED_TABLE = '42P01';

async function main(): Promise<void> {
  const config = loadConfig(GatewayDatabaseConfig);
  const schema = gatewayDbSchema(config);
  // A reader piping into `head` closes early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    // No start(): an export creates nothing. A missing table is reported (most often the wrong schema or namespace).
    const store = new PostgresCorrectionStore({ pool, schema });
    let count = 0;
    for await (const line of exportCorrectionsAsJsonLines(store)) {
      if (!process.stdout.write(line)) await once(process.stdout, 'drain');
      count += 1;
    }
    process.stderr.write(`exported ${count} classification correction${count === 1 ? '' : 's'} from schema "${schema}"\n`);
  } catch (error) {
    if (error instanceof DatabaseError && error.code === UNDEFINED_TABLE) {
      throw new Error(`no table "${schema}".classification_corrections: has a gateway run against this database with this GATEWAY_DB_SCHEMA / PERCH_NAMESPACE?`);
    }
    throw error;
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`corrections export failed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
