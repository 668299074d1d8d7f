export interface WaitForOptions {
  /** Give up after this long; the error names what was awaited. */
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls until `predicate` holds. Tests wait on observable state with a deadline instead of
 * sleeping a fixed time, so they are as fast as the system and fail with a reason when it is not.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  description: string,
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
