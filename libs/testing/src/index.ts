export * from './lib/free-port';
export * from './lib/service-env';
export * from './lib/service-process';
export * from './lib/wait-for';
export * from './lib/perch-cluster';
export * from './lib/event-tap';
export * from './lib/redis-server';
export * from './lib/tcp-proxy';
