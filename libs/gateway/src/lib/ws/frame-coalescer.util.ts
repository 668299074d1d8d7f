import { type Writable } from 'node:stream';

/**
 * Frames sent to one connection within a turn of the event loop leave in one write: the connection is corked at its
 * first frame and uncorked once the turn's I/O callbacks have run (setImmediate), so an agent's offer, acks and pushes
 * handled in one Kafka batch cost one system call instead of one each (ADR 37). A frame waits at most for the rest of
 * the turn it was sent in; one timer serves every connection corked in that turn.
 */
export class FrameCoalescer {
  private corked = new Set<Writable>();
  private scheduled = false;

  /** Call before writing a frame to `connection`. */
  hold(connection: Writable): void {
    if (this.corked.has(connection) || connection.destroyed) return;
    connection.cork();
    this.corked.add(connection);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.release);
    }
  }

  /** Writes out every held connection now (also what the timer does). */
  readonly release = (): void => {
    this.scheduled = false;
    // Swapped, not copied: a frame sent while these are written out starts the next turn's set.
    const held = this.corked;
    this.corked = new Set();
    for (const connection of held) connection.uncork();
  };
}
