/**
 * The one way tests wait: `waitFor(what, probe, timeoutMs = 30_000, intervalMs = 50)` polls `probe` until it
 * returns a value other than undefined/false and resolves to that value; a probe that throws is tried again.
 * After `timeoutMs` it fails naming `what` (and the probe's last error), so a test waits on observable state
 * with a deadline instead of sleeping a fixed time.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const suffix = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${suffix}`);
}
