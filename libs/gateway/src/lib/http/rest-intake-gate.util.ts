import { type IncomingMessage, type ServerResponse } from 'node:http';

import { RetryableError } from '@perch/platform';

import { GatewayErrorCode } from '../gateway.errors';
import { toHttpError } from './perch-exception.filter';

/** Requests to /api one replica handles at once by default: well above what its agents' desktops send in a burst. */
export const DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT = 2_048;

/** When a refused request may be sent again (Retry-After). */
const RETRY_AFTER_MS = 1_000;

export interface RestIntakeStats {
  /** Requests to /api in handling now. */
  inFlight: number;
  /** Requests refused with 503 since start, because the bound was reached. */
  refused: number;
  max: number;
}

/**
 * A bound on the REST requests this replica handles at once (ADR 41). Past the bound a request is refused at once
 * with 503, code gateway-busy and Retry-After, before authentication or any handler ran: nothing was done, so the
 * client may send it again as it was. A request counts from its arrival until its answer is sent or its connection
 * closes. The socket's messages have their own bound (SocketReadGate).
 */
export class RestIntakeGate {
  private inFlight = 0;
  private refused = 0;

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`The bound on REST requests in flight must be a positive integer, got ${max}`);
  }

  /** Express/Connect middleware for the /api routes. */
  readonly middleware = (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (this.inFlight >= this.max) {
      this.refused += 1;
      refuse(res, this.max);
      return;
    }
    this.inFlight += 1;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };

  stats(): RestIntakeStats {
    return { inFlight: this.inFlight, refused: this.refused, max: this.max };
  }
}

/**
 * The refusal as a typed error, turned into its answer by the gateway's one mapping (toHttpError): 503, the error
 * shape and Retry-After, as a handler's RetryableError gets. Written here because no Nest handler or filter runs yet.
 */
function refuse(res: ServerResponse, max: number): void {
  const refusal = new RetryableError<GatewayErrorCode>(
    `This gateway is handling its limit of ${max} requests; try again in ${RETRY_AFTER_MS / 1_000} s`,
    GatewayErrorCode.GatewayBusy,
    undefined,
    RETRY_AFTER_MS,
  );
  const { status, body, retryAfterSeconds } = toHttpError(refusal);
  const text = JSON.stringify(body);
  res.statusCode = status;
  if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
