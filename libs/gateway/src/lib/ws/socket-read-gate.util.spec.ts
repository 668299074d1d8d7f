import { type PausableSocket, SocketReadGate } from './socket-read-gate.util';

/** A socket that records whether it is reading. */
class FakeSocket implements PausableSocket {
  reading = true;
  pause(): void {
    this.reading = false;
  }
  resume(): void {
    this.reading = true;
  }
}

/** Handlers held until released, recording the order they started in. */
class Handlers {
  readonly started: string[] = [];
  private readonly releases = new Map<string, () => void>();

  of(name: string): () => Promise<void> {
    return () => {
      this.started.push(name);
      return new Promise<void>((resolve) => this.releases.set(name, resolve));
    };
  }

  async release(name: string): Promise<void> {
    this.releases.get(name)?.();
    // Let the gate's continuation run.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SocketReadGate', () => {
  it('handles messages at once while under the bound, and lets their sockets read', () => {
    const gate = new SocketReadGate(3);
    const a = new FakeSocket();
    const handlers = new Handlers();

    gate.run(a, handlers.of('1'));
    gate.run(a, handlers.of('2'));
    gate.run(a, handlers.of('3'));

    expect(handlers.started).toEqual(['1', '2', '3']);
    expect(a.reading).toBe(true);
    expect(gate.messagesInFlight).toBe(3);
  });

  it('holds a message past the bound without starting it, and pauses the socket it came from', () => {
    const gate = new SocketReadGate(2);
    const a = new FakeSocket();
    const b = new FakeSocket();
    const handlers = new Handlers();
    gate.run(a, handlers.of('a1'));
    gate.run(a, handlers.of('a2'));

    gate.run(b, handlers.of('b1'));
    gate.run(a, handlers.of('a3'));

    expect(handlers.started).toEqual(['a1', 'a2']);
    expect([a.reading, b.reading]).toEqual([false, false]);
    expect([gate.messagesInFlight, gate.messagesWaiting, gate.pauses]).toEqual([2, 2, 2]);
  });

  it('starts the waiting messages in the order they came as room is made, and resumes the sockets once they are all started and half the bound is free', async () => {
    const gate = new SocketReadGate(2);
    const a = new FakeSocket();
    const b = new FakeSocket();
    const handlers = new Handlers();
    for (const [socket, name] of [[a, 'a1'], [a, 'a2'], [b, 'b1'], [a, 'a3']] as const) gate.run(socket, handlers.of(name));

    await handlers.release('a1');
    expect(handlers.started).toEqual(['a1', 'a2', 'b1']);
    expect([a.reading, b.reading]).toEqual([false, false]);
    await handlers.release('a2');
    expect(handlers.started).toEqual(['a1', 'a2', 'b1', 'a3']);
    // The queue is empty, but both places are taken.
    expect([a.reading, b.reading]).toEqual([false, false]);
    await handlers.release('b1');

    expect([a.reading, b.reading]).toEqual([true, true]);
    expect([gate.messagesInFlight, gate.messagesWaiting]).toEqual([1, 0]);
  });

  it('gives the place back when a handler rejects', async () => {
    const gate = new SocketReadGate(1);
    const a = new FakeSocket();
    const handlers = new Handlers();
    gate.run(a, () => Promise.reject(new Error('boom')));
    gate.run(a, handlers.of('next'));

    await new Promise((resolve) => setImmediate(resolve));

    expect(handlers.started).toEqual(['next']);
  });

  it('still handles what a socket sent before it closed, and does not resume it', async () => {
    const gate = new SocketReadGate(1);
    const closed = new FakeSocket();
    const handlers = new Handlers();
    gate.run(closed, handlers.of('first'));
    gate.run(closed, handlers.of('queued'));
    gate.forget(closed);
    const resume = jest.spyOn(closed, 'resume');

    await handlers.release('first');
    await handlers.release('queued');

    expect(handlers.started).toEqual(['first', 'queued']);
    expect(resume).not.toHaveBeenCalled();
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new SocketReadGate(0)).toThrow('positive integer');
    expect(() => new SocketReadGate(1.5)).toThrow('positive integer');
  });
});
