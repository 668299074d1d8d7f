/** What a consumer writes to `<topic>.dlq` when it gives up on a message: nothing is lost. */
export interface DeadLetterRecord {
  sourceTopic: string;
  partition: number;
  offset: string;
  key: string;
  /** The original bytes, untouched, so the message can be replayed once fixed. */
  value: string;
  headers: Record<string, string>;
  consumerGroup: string;
  reason: string;
  /** Field-level problems when validation failed. */
  problems: { field: string; messages: string[] }[];
  attempts: number;
  failedAt: string;
}
