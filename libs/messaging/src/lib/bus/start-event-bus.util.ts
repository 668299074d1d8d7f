import { type Logger } from '@perch/platform';

import { type Transport } from '../port/transport.port';
import { EventBus, type EventBusOptions } from './event-bus.domain';
import { perchTopicSpecs } from './topics.util';

/** Connects the transport, makes sure every topic and dead-letter topic exists, and returns the bus. */
export async function startEventBus(
  transport: Transport,
  options: { producer: string; logger: Logger } & Partial<EventBusOptions>,
): Promise<EventBus> {
  await transport.connect();
  await transport.ensureTopics(perchTopicSpecs());
  return new EventBus(transport, options);
}
