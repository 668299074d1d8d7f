// X ids are 64-bit "snowflakes" (ms since the Twitter epoch << 22 | sequence), sent as decimal strings.
// Generating them the same way keeps ids time-ordered, so since_id/until_id comparisons behave as on X.

const TWITTER_EPOCH_MS = 1288834974657n;
const SEQUENCE_BITS = 22n;

export class SnowflakeGenerator {
  private last = 0n;

  constructor(private readonly now: () => number = Date.now) {}

  next(): { id: string; value: bigint } {
    let value = (BigInt(this.now()) - TWITTER_EPOCH_MS) << SEQUENCE_BITS;
    // Many ids per millisecond (the generator creates thousands per second): stay strictly increasing.
    if (value <= this.last) value = this.last + 1n;
    this.last = value;
    return { id: value.toString(), value };
  }

  reset(): void {
    this.last = 0n;
  }
}

/** Parses a decimal id; undefined when it is not 1–19 digits (X's id format). */
export function parseId(raw: string | null | undefined): bigint | undefined {
  if (raw === null || raw === undefined || !/^\d{1,19}$/.test(raw)) return undefined;
  return BigInt(raw);
}
