/** One sample of a Prometheus text exposition: `name{label="value",…} 12.5`. */
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The value of the sample `name` whose labels include every one of `labels` (in any order: prom-client writes a
 * histogram's default labels first and a counter's last), or undefined when /metrics has no such sample. Tests read
 * scrapes with it instead of matching lines by hand.
 */
export function metricValue(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const sample = SAMPLE.exec(line);
    if (sample === null || sample[1] !== name) continue;
    const found = new Map<string, string>();
    for (const [, key, value] of (sample[2] ?? '').matchAll(LABEL)) found.set(key ?? '', (value ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)));
    if (wanted.every(([key, value]) => found.get(key) === value)) return Number(sample[3]);
  }
  return undefined;
}
