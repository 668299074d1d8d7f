import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OutboundRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  body: string;
}

/** More than any CRC answer needs; receivers' bodies are otherwise ignored. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One request to a webhook receiver on its own connection (no agent pool), so nothing outlives the
 * simulator: stop() and reset() abort through `signal`, and the timeout timer is always cleared.
 */
export function sendOutbound(req: OutboundRequest): Promise<OutboundResponse> {
  return new Promise<OutboundResponse>((resolve, reject) => {
    if (req.signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const url = new URL(req.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { 'user-agent': 'Twitter-Webhooks/1.0 (x-simulator)', ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    let settled = false;
    // Only ever called from I/O callbacks, after `timer` and `onAbort` below exist.
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const client = send(url, { method: req.method, headers, agent: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
      res.on('error', (error) => finish(() => reject(error)));
    });
    const timer = setTimeout(() => client.destroy(new Error(`no answer within ${req.timeoutMs} ms`)), req.timeoutMs);
    const onAbort = () => client.destroy(new Error('aborted'));
    req.signal.addEventListener('abort', onAbort, { once: true });
    client.on('error', (error) => finish(() => reject(error)));
    client.end(req.body);
  });
}

/** Resolves after `ms`, or early (without error) when `signal` aborts; the timer never outlives it. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
