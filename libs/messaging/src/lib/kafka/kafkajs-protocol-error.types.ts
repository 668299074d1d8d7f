// kafkajs' table of the broker's error codes, which its typings do not declare: what its own retrier retries.
declare module 'kafkajs/src/protocol/error' {
  export const errorCodes: ReadonlyArray<{ type: string; code: number; retriable: boolean; message: string }>;
}
