export * from './lib/gateway-deps.types';
export * from './lib/gateway.constants';
export * from './lib/gateway.module';
export * from './lib/http/openapi.util';
export * from './lib/http/perch-exception.filter';
export * from './lib/interactions/reply.service';
export * from './lib/ws/ws-messages.types';
// Test support (no test framework inside): the module on a random port with memory adapters and a
// stand-in router, used by this library's spec and the agent desktop's e2e spec.
export * from './lib/testing/gateway-testbed';
