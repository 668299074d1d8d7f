import { Socket } from 'node:net';

import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { AgentSocketHub } from './agent-socket-hub.service';

// ADR 37: the frames sent to one agent's socket in one turn of the event loop leave in one write on its TCP connection.
// Proved here on a real agent socket through the hub, counting the writes of the gateway's side of the connection.

const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });

type WriteMethod = '_write' | '_writev';

describe('Frames to an agent’s socket', () => {
  let testbed: GatewayTestbed;
  let port: number;
  const writes: { localPort: number | undefined; method: WriteMethod }[] = [];
  const originals = { _write: Socket.prototype._write, _writev: Socket.prototype._writev };

  beforeAll(async () => {
    testbed = await startGatewayTestbed({ xApi: NO_X, brands: [], agents: [{ id: 'ada', displayName: 'Ada', password: 'correct horse' }] });
    port = Number(new URL(testbed.baseUrl).port);
    // Every TCP write of this process, with the local port of its connection (the gateway's side has the server's).
    for (const method of ['_write', '_writev'] as const) {
      const original = originals[method] as (this: Socket, ...args: unknown[]) => void;
      (Socket.prototype as unknown as Record<WriteMethod, unknown>)[method] = function (this: Socket, ...args: unknown[]) {
        writes.push({ localPort: this.localPort, method });
        original.apply(this, args);
      };
    }
  });

  afterAll(async () => {
    Socket.prototype._write = originals._write;
    Socket.prototype._writev = originals._writev;
    await testbed.close();
  });

  /** Ada's socket open, the writes counted from here on; closed after `use`. */
  async function withAdaSocket(use: (socket: AgentSocketProbe, hub: AgentSocketHub) => Promise<void>): Promise<void> {
    const token = await testbedClient(() => testbed.baseUrl).signIn('ada', 'correct horse');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      writes.length = 0;
      await use(socket, testbed.app.get(AgentSocketHub));
    } finally {
      await socket.close();
    }
  }

  it('leave in one write when sent in the same turn, and arrive all, in order', () =>
    withAdaSocket(async (socket, hub) => {
      for (let i = 0; i < 5; i += 1) hub.send('ada', { type: 'offer-timed-out', interactionId: `ix-${i}`, reason: 'test' });
      // One after the other: each takes the first not yet taken, so this is the order they arrived in.
      const received = [];
      for (let i = 0; i < 5; i += 1) received.push(await socket.next('offer-timed-out'));

      expect(received.map((m) => m.interactionId)).toEqual(['ix-0', 'ix-1', 'ix-2', 'ix-3', 'ix-4']);
      expect(writes.filter((w) => w.localPort === port)).toEqual([{ localPort: port, method: '_writev' }]);
    }));

  it('leave in separate writes when sent in separate turns', () =>
    withAdaSocket(async (socket, hub) => {
      for (let i = 0; i < 3; i += 1) {
        hub.send('ada', { type: 'offer-timed-out', interactionId: `turn-${i}`, reason: 'test' });
        await socket.next('offer-timed-out', (m) => m.interactionId === `turn-${i}`);
      }

      expect(writes.filter((w) => w.localPort === port)).toHaveLength(3);
    }));
});
