export * from './lib/bus/event-bus';
export * from './lib/bus/event-publisher.port';
export * from './lib/bus/start-event-bus';
export * from './lib/bus/topics.util';
export * from './lib/port/transport.port';
