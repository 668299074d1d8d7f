import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { FrameCoalescer } from './frame-coalescer.util';

/** A connection that records each write reaching it: one entry per write (a writev is one write of several chunks). */
function recordingConnection(): { connection: Writable; writes: string[][] } {
  const writes: string[][] = [];
  const connection = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { connection, writes };
}

describe('FrameCoalescer', () => {
  it('writes the frames sent to a connection in one turn of the event loop as one write, in order, once the turn ends', async () => {
    const frames = new FrameCoalescer();
    const { connection, writes } = recordingConnection();
    for (const frame of ['offer', 'ack', 'accepted']) {
      frames.hold(connection);
      connection.write(frame);
    }
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([['offer', 'ack', 'accepted']]);
    expect(connection.writableCorked).toBe(0);
  });

  it('starts a new write in the next turn, and holds each connection apart', async () => {
    const frames = new FrameCoalescer();
    const a = recordingConnection();
    const b = recordingConnection();
    frames.hold(a.connection);
    a.connection.write('a1');
    frames.hold(b.connection);
    b.connection.write('b1');
    await nextTurn();
    frames.hold(a.connection);
    a.connection.write('a2');
    await nextTurn();
    expect(a.writes).toEqual([['a1'], ['a2']]);
    expect(b.writes).toEqual([['b1']]);
  });

  it('leaves a destroyed connection alone', async () => {
    const frames = new FrameCoalescer();
    const { connection } = recordingConnection();
    connection.destroy();
    frames.hold(connection);
    expect(connection.writableCorked).toBe(0);
    await nextTurn();
  });
});
