// kafkajs' per-connection request queue, which its typings do not declare: the spec that holds our patch of it
// (patches/kafkajs+2.2.4.patch, ADR 46) drives it directly.
declare module 'kafkajs/src/network/requestQueue' {
  interface RequestEntry {
    correlationId: number;
    apiKey: number;
    apiName: string;
    apiVersion: number;
    resolve(response: unknown): void;
    reject(error: unknown): void;
  }
  interface RequestQueueLogger {
    debug(message: string, extra?: object): void;
    info(message: string, extra?: object): void;
    warn(message: string, extra?: object): void;
    error(message: string, extra?: object): void;
  }
  class RequestQueue {
    constructor(options: {
      maxInFlightRequests: number | null;
      requestTimeout: number;
      enforceRequestTimeout: boolean;
      clientId: string;
      broker: string;
      logger: RequestQueueLogger;
    });
    readonly pending: readonly unknown[];
    readonly inflight: ReadonlyMap<number, unknown>;
    push(request: { entry: RequestEntry; expectResponse: boolean; sendRequest(): void; requestTimeout?: number }): void;
    fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
    maybeThrottle(clientSideThrottleTime: number | null): void;
    destroy(): void;
  }
  export = RequestQueue;
}
