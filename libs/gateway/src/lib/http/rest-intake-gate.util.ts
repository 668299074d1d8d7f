import { type IncomingMessage, type ServerResponse } from 'node:http';

import { GatewayErrorCode } from '../gateway.errors';

/** Requests to /api one replica handles at once by default: well above what its agents' desktops send in a burst. */
export const DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT = 2_048;

/** What the gate answers a refused request after: the client tries again then (Retry-After, seconds). */
const RETRY_AFTER_SECONDS = 1;

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

/** The gateway's error shape (ErrorResponseBody), written here because no Nest handler runs for a refused request. */
function refuse(res: ServerResponse, max: number): void {
  const body = JSON.stringify({
    statusCode: 503,
    error: 'Service Unavailable',
    code: GatewayErrorCode.GatewayBusy,
    message: `This gateway is handling its limit of ${max} requests; try again in ${RETRY_AFTER_SECONDS} s`,
  });
  res.statusCode = 503;
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
