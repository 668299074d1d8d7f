/** What the gate needs of a socket: ws's WebSocket stops and restarts reading its TCP connection. */
export interface PausableSocket {
  pause(): void;
  resume(): void;
}

interface Waiting {
  socket: PausableSocket;
  handle: () => Promise<void>;
}

/**
 * A bound on the messages from agents' sockets this replica handles at once (offer decisions wait on Redis and a Kafka
 * publish). Past the bound, a message waits in a queue as it came (a few hundred bytes, not a handling's promises,
 * audit record and encoded event) and its socket is paused, so what it sends next stays in its TCP buffers and the
 * client's. ws still emits the frames of the chunk it has already read, so the queue holds at most one read per paused
 * socket. Messages start in the order they came; the paused sockets are resumed together once the queue is empty and
 * half of the bound is free.
 */
export class SocketReadGate {
  private inFlight = 0;
  private readonly queue: Waiting[] = [];
  private readonly paused = new Set<PausableSocket>();
  private pauseCount = 0;

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`The bound on socket messages in flight must be a positive integer, got ${max}`);
  }

  /** Handles a message from `socket` now, or once the messages before it leave room. `handle` must not reject. */
  run(socket: PausableSocket, handle: () => Promise<void>): void {
    if (this.inFlight < this.max && this.queue.length === 0) {
      this.start(handle);
      return;
    }
    this.queue.push({ socket, handle });
    if (!this.paused.has(socket)) {
      this.paused.add(socket);
      this.pauseCount += 1;
      socket.pause();
    }
  }

  /** A closed socket: nothing to resume (its messages already taken in are still handled). */
  forget(socket: PausableSocket): void {
    this.paused.delete(socket);
  }

  isPaused(socket: PausableSocket): boolean {
    return this.paused.has(socket);
  }

  get messagesInFlight(): number {
    return this.inFlight;
  }

  get messagesWaiting(): number {
    return this.queue.length;
  }

  /** How many times a socket was paused since start. */
  get pauses(): number {
    return this.pauseCount;
  }

  private start(handle: () => Promise<void>): void {
    this.inFlight += 1;
    // A handler that rejects anyway still gives its place back.
    handle().then(this.settled, this.settled);
  }

  /** A handler's end, made once per gate: a closure made per message loses its optimized code at every major GC (ADR 49). */
  private readonly settled = (): void => {
    this.inFlight -= 1;
    this.next();
  };

  private next(): void {
    while (this.inFlight < this.max) {
      const waiting = this.queue.shift();
      if (!waiting) break;
      this.start(waiting.handle);
    }
    if (this.queue.length === 0 && this.paused.size > 0 && this.inFlight <= Math.floor(this.max / 2)) {
      const sockets = [...this.paused];
      this.paused.clear();
      for (const socket of sockets) socket.resume();
    }
  }
}
