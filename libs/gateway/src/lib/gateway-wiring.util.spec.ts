import { EventEmitter } from 'node:events';
import { type IncomingMessage, type ServerResponse } from 'node:http';

import { hashPassword, MemorySignInThrottleStore, MemoryTokenRevocationStore } from '@perch/agents';
import { MemoryAuditLog } from '@perch/audit';
import { MemoryCorrectionStore, MemoryInteractionStore } from '@perch/interactions';
import { MemoryTransport, startEventBus } from '@perch/messaging';
import { MemoryDeferredOutboundStore, MemoryOutboundIdempotencyStore } from '@perch/outbound';
import { createLogger } from '@perch/platform';
import { MemoryQueueCounterStore, MemoryRoutingStore, RoutingStoreAgentStateReader, RoutingStoreAssignmentReader } from '@perch/routing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { type GatewayWiringOptions, wireGateway } from './gateway-wiring.util';
import { HealthController } from './health/health.controller';
import { RestIntakeGate } from './http/rest-intake-gate.util';
import { PERCH_AIR } from './testing/gateway-unit.fixtures';
import { PushStoreGuard } from './ws/push-store-guard.util';

async function wiringOptions(overrides: Partial<GatewayWiringOptions['options']> = {}): Promise<GatewayWiringOptions> {
  const bus = await startEventBus(new MemoryTransport(), { producer: 'gateway', logger: createLogger('gateway-wiring-spec') });
  return {
    bus,
    interactionStore: new MemoryInteractionStore(),
    correctionStore: new MemoryCorrectionStore(),
    auditLog: new MemoryAuditLog(),
    idempotencyStore: new MemoryOutboundIdempotencyStore(),
    deferredOutboundStore: new MemoryDeferredOutboundStore(),
    xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
    brands: [PERCH_AIR],
    assignments: new RoutingStoreAssignmentReader(new MemoryRoutingStore('wiring')),
    agentStates: new RoutingStoreAgentStateReader(new MemoryRoutingStore('wiring')),
    snapshots: new MemoryRoutingStore('wiring'),
    queueCounters: new MemoryQueueCounterStore(),
    auth: {
      agents: [
        {
          id: 'ada',
          displayName: 'Ada',
          passwordHash: await hashPassword('correct horse'),
          capacity: 2,
          skills: [],
          role: 'agent',
          brands: [],
        },
      ],
      tokenSecret: 'gateway-wiring-spec-secret-0123456789abcdef',
      tokenTtlMs: 60_000,
      signInFailures: new MemorySignInThrottleStore(),
      signInLimits: { maxFailuresPerUser: 1 },
      revocations: new MemoryTokenRevocationStore(),
    },
    options: { replicaId: 'wiring', desktopDir: '/nonexistent', ...overrides },
  };
}

describe(wireGateway.name, () => {
  it('signs agents in with the given secret, token lifetime and sign-in limits', async () => {
    const { agents } = wireGateway(await wiringOptions());
    const { token } = await agents.authenticate('ada', 'correct horse', { address: '203.0.113.7' });
    const session = await agents.verifySession(token);
    expect(session.agent.id).toBe('ada');
    expect(session.expiresAt - session.issuedAt).toBe(60_000);
    await expect(agents.authenticate('ada', 'wrong', { address: '203.0.113.7' })).rejects.toMatchObject({ code: 'bad-credentials' });
    await expect(agents.authenticate('ada', 'correct horse', { address: '203.0.113.7' })).rejects.toMatchObject({ code: 'too-many-sign-ins' });
  });

  it("leaves /health to the app's internal listener unless told otherwise", async () => {
    expect(wireGateway(await wiringOptions()).module.controllers).not.toContain(HealthController);
    expect(wireGateway(await wiringOptions({ run: { healthEndpoint: true } })).module.controllers).toContain(HealthController);
  });

  it('wires the outbound worker, the projector and the audit recorder behind the edge', async () => {
    const imported = (wireGateway(await wiringOptions()).module.imports ?? []).map((module) => ('module' in module ? module.module.name : ''));
    expect(imported).toEqual(['OutboundModule', 'InteractionsModule', 'AuditRecorderModule']);
  });

  it("gives /metrics gauges that read the very REST gate and push-store guard the module runs with, bounded as configured", async () => {
    const { module, gauges } = wireGateway(await wiringOptions({ maxRestRequestsInFlight: 7 }));
    const provided = <T>(token: abstract new (...args: never[]) => T): T | undefined =>
      (module.providers ?? []).flatMap((provider) => (typeof provider === 'object' && 'provide' in provider && provider.provide === token && 'useValue' in provider ? [provider.useValue as T] : []))[0];
    const gate = provided(RestIntakeGate);
    expect(gate?.stats()).toEqual({ inFlight: 0, refused: 0, max: 7 });
    expect(provided(PushStoreGuard)).toBeInstanceOf(PushStoreGuard);
    const rest = gauges.sources().find((source) => source.prefix === 'rest_requests');
    // A request the module's gate holds shows on /metrics: one instance, not a copy made from the same options.
    const response = new EventEmitter();
    gate?.middleware({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
    expect(rest?.read()).toEqual({ inFlight: 1, refused: 0, max: 7 });
    response.emit('finish');
    expect(rest?.read()).toEqual({ inFlight: 0, refused: 0, max: 7 });
  });
});
