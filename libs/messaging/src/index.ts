export * from './lib/bus/event-bus';
export * from './lib/bus/event-publisher.port';
export * from './lib/bus/namespaced-transport';
export * from './lib/bus/start-event-bus';
export * from './lib/bus/topics.util';
export * from './lib/port/transport.port';
export * from './lib/kafka/kafka-transport.adapter';
export * from './lib/memory/memory-transport.adapter';
