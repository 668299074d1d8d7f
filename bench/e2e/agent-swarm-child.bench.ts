// The agent swarm's own process (forked by bench:e2e, see swarm-process.util.ts): it runs the simulated agents and
// answers the parent's requests over IPC, with its CPU and event-loop figures per measurement window.
import { AgentSwarm } from './agent-swarm.util';
import { LoadWindow } from './load-window.util';
import type { SwarmEnvelope, SwarmPoll, SwarmResponse } from './swarm-protocol.types';

const loadWindow = new LoadWindow();
let swarm: AgentSwarm | undefined;

function need(): AgentSwarm {
  if (!swarm) throw new Error('swarm not started');
  return swarm;
}

async function handle(envelope: SwarmEnvelope): Promise<SwarmPoll | number | undefined> {
  const { request } = envelope;
  switch (request.type) {
    case 'start':
      swarm = new AgentSwarm(request.gatewayUrl);
      await swarm.start(request.agents);
      return undefined;
    case 'mode':
      need().mode = request.mode;
      return undefined;
    case 'drain':
      return need().drain();
    case 'window':
      loadWindow.open();
      return undefined;
    case 'poll': {
      const s = need();
      return {
        counters: { ...s.counters },
        inFlight: s.inFlight(),
        errorKinds: Object.fromEntries(s.errorKinds),
        ...s.takeRecords(),
        load: loadWindow.read(),
        rssBytes: process.memoryUsage.rss(),
      };
    }
    case 'stop':
      await swarm?.stop();
      return undefined;
  }
}

process.on('message', (message: SwarmEnvelope) => {
  handle(message).then(
    (value) => send({ type: 'answer', seq: message.seq, ok: true, ...(value === undefined ? {} : { value }) }),
    (error: unknown) => send({ type: 'answer', seq: message.seq, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// The parent gone (crashed or done): nothing left to serve.
process.on('disconnect', () => process.exit(0));

function send(response: SwarmResponse): void {
  process.send?.(response);
}
