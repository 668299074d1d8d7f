// Shared by the benchmark scripts: how they read their knobs from the environment, how they log, and how they round figures.

/** A logger that prefixes each line with the benchmark's name, on stdout (the report is read from there). */
export function benchLog(name: string): (message: string) => void {
  return (message) => process.stdout.write(`[bench:${name}] ${message}\n`);
}

/** A positive integer from `name`, or `fallback` when unset or empty; anything else stops the run. */
export function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return value;
}

/** A figure for a report: `value` rounded to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
