/** Codes of the errors the bus and its transports make. */
export const MessagingErrorCode = {
  /** The batch was given back (stop, rebalance) while a handler waited to retry: it comes again. */
  ConsumerRevoked: 'consumer-revoked',
  TransportNotConnected: 'transport-not-connected',
  KafkaPartitionsPending: 'kafka-partitions-pending',
  ReplayTimeout: 'replay-timeout',
  /** A handler published or built an event that breaks its topic's contract: dead-lettered with this reason. */
  ContractViolation: 'contract-violation',
} as const;
export type MessagingErrorCode = (typeof MessagingErrorCode)[keyof typeof MessagingErrorCode];
