import { randomUUID } from 'node:crypto';

import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { AgentSocketHub } from './agent-socket-hub.service';

// ADR 39: the messages from agents' sockets handled at once are bounded per replica; past the bound, a message waits as
// it came and its socket is not read. Proved on a real agent socket, decisions held on their way out.

const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Messages from agents’ sockets', () => {
  let testbed: GatewayTestbed;

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: NO_X,
      brands: [],
      agents: [{ id: 'ada', displayName: 'Ada', password: 'correct horse' }],
      options: { maxSocketMessagesInFlight: 2 },
    });
  });

  afterAll(async () => {
    await testbed.close();
  });

  it('wait past the bound, their socket unread, until a place is free; none is lost', async () => {
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, await testbedClient(() => testbed.baseUrl).signIn('ada', 'correct horse'));
    const hub = testbed.app.get(AgentSocketHub);
    const commands = testbed.app.get(AgentCommandsService);
    // Decisions stay unanswered until released, as when the Kafka publish behind them is slow.
    const held: (() => void)[] = [];
    const accept = jest.spyOn(commands, 'accept').mockImplementation(
      () => new Promise((resolve) => held.push(() => resolve({ commandId: randomUUID() }))),
    );
    try {
      const ids = [randomUUID(), randomUUID()];
      for (const id of ids) socket.send({ type: 'accept', interactionId: id, offerId: randomUUID() });
      await waitFor('both decisions held', () => held.length === 2, 10_000, 5);
      expect(hub.stats()).toMatchObject({ sockets: 1, agents: 1, messagesInFlight: 2, messagesWaiting: 0, pauses: 0 });

      // Taken in, but not handled while the two decisions are out (and the socket is no longer read): no pong.
      socket.send({ type: 'ping' });
      await waitFor('the ping waiting', () => hub.stats().messagesWaiting === 1, 10_000, 5);
      // The socket is paused: what it sends now stays in the TCP buffers, not taken in.
      socket.send({ type: 'ping' });
      await sleep(100);
      expect(socket.messages.some((m) => m.type === 'pong')).toBe(false);
      expect(hub.stats()).toMatchObject({ messagesInFlight: 2, messagesWaiting: 1, pauses: 1 });

      held.shift()?.();
      await socket.next('pong');
      // Read again once half the bound is free: the second ping is answered too.
      await socket.next('pong');
      held.shift()?.();
      const acks = [await socket.next('ack'), await socket.next('ack')];
      expect(acks.map((a) => a.interactionId).sort()).toEqual([...ids].sort());
      expect(hub.stats().messagesInFlight).toBe(0);
    } finally {
      accept.mockRestore();
      for (const release of held) release();
      await socket.close();
    }
  });
});
