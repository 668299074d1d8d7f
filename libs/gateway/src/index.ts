export * from './lib/gateway-deps.types';
export * from './lib/gateway.constants';
export * from './lib/gateway.module';
export * from './lib/http/openapi.util';
export * from './lib/http/perch-exception.filter';
export * from './lib/interactions/reply.service';
export * from './lib/ws/ws-messages.types';
