import { DEFAULT_RECONNECT_POLICY, ReconnectPolicy } from './reconnect-policy.util';

describe('ReconnectPolicy (X filtered-stream guidance)', () => {
  it('backs off network errors linearly by 250 ms up to 16 s', () => {
    const policy = new ReconnectPolicy();
    const delays = Array.from({ length: 70 }, () => policy.onConnectFailed('network').delayMs);
    expect(delays.slice(0, 4)).toEqual([250, 500, 750, 1000]);
    expect(delays[63]).toBe(16_000);
    expect(delays[69]).toBe(16_000);
  });

  it('backs off HTTP errors exponentially from 5 s up to 320 s', () => {
    const policy = new ReconnectPolicy();
    const delays = Array.from({ length: 9 }, () => policy.onConnectFailed('http').delayMs);
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000, 320_000]);
  });

  it('backs off 429s exponentially from 60 s', () => {
    const policy = new ReconnectPolicy();
    const delays = Array.from({ length: 6 }, () => policy.onConnectFailed('rate-limit').delayMs);
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, DEFAULT_RECONNECT_POLICY.rateLimitMaxMs]);
  });

  it('reconnects immediately after the drop of a healthy connection, then backs off if that fails', () => {
    const policy = new ReconnectPolicy();
    policy.onConnectFailed('http');
    policy.onConnected(1_000);
    policy.onTraffic();
    expect(policy.onDisconnected(5_000)).toEqual({ delayMs: 0, kind: 'immediate', attempt: 0 });
    // The healthy connection reset the counters: the next failure starts at the base delay again.
    expect(policy.onConnectFailed('http')).toEqual({ delayMs: 5_000, kind: 'http', attempt: 1 });
  });

  it('treats an accepted-then-closed connection without traffic as a network failure (no tight loop)', () => {
    const policy = new ReconnectPolicy();
    policy.onConnected(1_000);
    expect(policy.onDisconnected(60_000)).toMatchObject({ kind: 'network', delayMs: 250 });
    policy.onConnected(60_300);
    expect(policy.onDisconnected(60_301)).toMatchObject({ kind: 'network', delayMs: 500 });
  });

  it('requires a healthy connection to last healthyAfterMs even with traffic', () => {
    const policy = new ReconnectPolicy({ healthyAfterMs: 1_000 });
    policy.onConnected(0);
    policy.onTraffic();
    expect(policy.onDisconnected(200).kind).toBe('network');
  });

  it('uses configured base delays (tests run the same policy in milliseconds)', () => {
    const policy = new ReconnectPolicy({ httpBaseMs: 10, httpMaxMs: 40, networkStepMs: 1, rateLimitBaseMs: 20 });
    expect([1, 2, 3, 4].map(() => policy.onConnectFailed('http').delayMs)).toEqual([10, 20, 40, 40]);
    expect(policy.onConnectFailed('network').delayMs).toBe(1);
    expect(policy.onConnectFailed('rate-limit').delayMs).toBe(20);
  });
});
