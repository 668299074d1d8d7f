import { type DynamicModule } from '@nestjs/common';
import {
  AgentDirectory,
  type AgentDirectoryOptions,
  type SignInLimits,
  SignInThrottle,
  type SignInThrottleStore,
} from '@perch/agents';

import { type GatewayModuleDeps } from './gateway-deps.types';
import { GatewayGauges } from './gateway-gauges.util';
import { GatewayModule } from './gateway.module';
import { DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT, RestIntakeGate } from './http/rest-intake-gate.util';
import { PushStoreGuard } from './ws/push-store-guard.util';

export interface GatewayWiringOptions extends Omit<GatewayModuleDeps, 'agents'> {
  /** Who may sign in, and where failed sign-ins and revoked tokens are kept (shared stores when there are replicas). */
  auth: Pick<AgentDirectoryOptions, 'agents' | 'users' | 'tokenSecret' | 'tokenTtlMs' | 'revocations'> & {
    signInFailures: SignInThrottleStore;
    /** Default DEFAULT_SIGN_IN_LIMITS. */
    signInLimits?: Partial<SignInLimits>;
  };
}

/** The gateway of one process: its Nest module, the directory that signs agents in, and its gauges for /metrics. */
export interface GatewayWiring {
  module: DynamicModule;
  agents: AgentDirectory;
  /** Give them to ObservabilityModule; attach(app) once the app is created, for its agents' sockets. */
  gauges: GatewayGauges;
}

/** The gateway's wiring, for its own app and for the embedded one: the apps pick the adapters and read the config. */
export function wireGateway(options: GatewayWiringOptions): GatewayWiring {
  const { auth, ...deps } = options;
  const agents = new AgentDirectory({
    agents: auth.agents,
    tokenSecret: auth.tokenSecret,
    ...(auth.tokenTtlMs === undefined ? {} : { tokenTtlMs: auth.tokenTtlMs }),
    signInThrottle: new SignInThrottle(auth.signInFailures, auth.signInLimits),
    ...(auth.revocations === undefined ? {} : { revocations: auth.revocations }),
    // Users in PostgreSQL (PGlite embedded), `agents` only seeding them; started with the module (UserDirectoryLifecycle).
    ...(auth.users === undefined ? {} : { users: auth.users }),
  });
  // Both apps serve /health on their internal listener (startInternalHttp), never on the agents' port.
  const run = { healthEndpoint: false, ...deps.options.run };
  // Made here rather than by Nest, so /metrics reads the very instances the module runs with.
  const pushStoreGuard = deps.pushStoreGuard ?? new PushStoreGuard();
  const restIntakeGate = deps.restIntakeGate ?? new RestIntakeGate(deps.options.maxRestRequestsInFlight ?? DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT);
  const module = GatewayModule.register({ ...deps, agents, pushStoreGuard, restIntakeGate, options: { ...deps.options, run } });
  return { module, agents, gauges: new GatewayGauges(restIntakeGate, pushStoreGuard) };
}
