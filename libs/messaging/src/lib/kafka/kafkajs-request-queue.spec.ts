import RequestQueue from 'kafkajs/src/network/requestQueue';

// Holds patches/kafkajs+2.2.4.patch (ADR 46): kafkajs 2.2.4 re-armed a 1 ms timer on every connection after its
// first answered request, for as long as the connection lived, with nothing to send (kafkajs issues 1556 and 1704).
// These drive the installed kafkajs, so they fail if the patch was not applied at install.

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue(maxInFlightRequests: number | null = null): RequestQueue {
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'b:9092', logger: silent });
}

function request(correlationId: number, sent: number[]): Parameters<RequestQueue['push']>[0] {
  return {
    entry: { correlationId, apiKey: 0, apiName: 'Produce', apiVersion: 7, resolve: () => undefined, reject: () => undefined },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  };
}

describe('kafkajs request queue (patched)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer once its last request is answered and nothing waits', () => {
    const q = queue();
    const sent: number[] = [];
    q.push(request(1, sent));
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });

    expect(sent).toEqual([1]);
    expect(jest.getTimerCount()).toBe(0);
    // The unpatched queue re-armed itself here every millisecond, forever.
    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still sends a request that waited for a free slot as soon as one is answered', () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);

    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    q.fulfillRequest({ correlationId: 2, payload: null, size: 0 });
    expect(q.pending).toHaveLength(0);
    // The check armed while request 2 waited fires once, finds nothing and does not re-arm.
    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('holds requests while the broker throttles the client and sends them when the throttle ends', () => {
    const q = queue();
    const sent: number[] = [];
    q.maybeThrottle(50);
    q.push(request(1, sent));
    expect(sent).toEqual([]);

    jest.advanceTimersByTime(49);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(2);
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });

  it('checks a waiting request again when the throttle ends while it still has no slot', () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, sent));
    q.maybeThrottle(20);
    q.push(request(2, sent));
    jest.advanceTimersByTime(100);
    // Throttle over but the one slot is still taken: it waits for the answer, not for a timer.
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    q.destroy();
  });
});
