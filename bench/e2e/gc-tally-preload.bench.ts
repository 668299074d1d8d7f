// Loaded into every app by bench:e2e (node --require): tallies the app's garbage collections for the bench to read
// at the edges of the handled phase (gc-tally.util.ts, ADR 49). Bench-only: production entry points never load it.
import { GC_TALLY_DIR_VARIABLE, startGcTally } from './gc-tally.util';

const directory = process.env[GC_TALLY_DIR_VARIABLE];
if (directory !== undefined && directory !== '') startGcTally(directory);
