import { ALL_TOPICS, deadLetterTopicOf, topicDefinition } from '@perch/contracts';

import { type TopicSpec } from '../port/transport.port';

/** Every Perch topic and its dead-letter topic, with partition counts from the contracts. */
export function perchTopicSpecs(): TopicSpec[] {
  return ALL_TOPICS.flatMap((topic) => {
    const partitions = topicDefinition(topic).partitions;
    return [
      { name: topic, partitions },
      { name: deadLetterTopicOf(topic), partitions: 1 },
    ];
  });
}
