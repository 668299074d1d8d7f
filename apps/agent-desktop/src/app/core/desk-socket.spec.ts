import { describe, expect, it } from 'vitest';

import { FIRST_RECONNECT_DELAY_MS, MAX_RECONNECT_DELAY_MS, nextReconnectDelay } from './desk-socket.adapter';

describe('reconnecting the socket', () => {
  it('waits twice as long after each failure, up to ten seconds', () => {
    const delays = [FIRST_RECONNECT_DELAY_MS];
    for (let i = 0; i < 8; i++) delays.push(nextReconnectDelay(delays[delays.length - 1] ?? 0));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000]);
    expect(MAX_RECONNECT_DELAY_MS).toBe(10_000);
  });
});
