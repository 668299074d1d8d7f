import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** X's answer to a request it carried out, kept from the caller. */
export interface HeldAnswer {
  method: string;
  path: string;
  status: number;
  body: string;
}

interface Hold {
  method: string;
  path: string;
  onHeld: (answer: HeldAnswer) => void;
}

/**
 * A pass-through proxy in front of the X simulator that can let X carry a request out and then keep its
 * answer from the caller: the window in which a crash leaves a tweet on X that the caller never recorded.
 * (The simulator's own `afterEffect` faults answer at once with an error; this one answers late or never.)
 */
export class XAnswerHold {
  private readonly holds: Hold[] = [];
  private readonly parked: (() => void)[] = [];

  private readonly server: Server;
  private address = '';

  private constructor(private readonly target: URL) {
    this.server = createServer((req, res) => {
      void this.forward(req, res).catch(() => res.destroy());
    });
  }

  static async start(targetBaseUrl: string): Promise<XAnswerHold> {
    const proxy = new XAnswerHold(new URL(targetBaseUrl));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.address = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** Where the app under test finds "X". */
  get url(): string {
    return this.address;
  }

  /** The next `method path` request goes through to X; X's answer is kept back until release(). */
  holdNext(method: string, path: string): Promise<HeldAnswer> {
    return new Promise((resolve) => this.holds.push({ method: method.toUpperCase(), path, onHeld: resolve }));
  }

  /** Sends every kept answer on (to a caller that may be long gone). */
  release(): void {
    for (const send of this.parked.splice(0)) send();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const path = new URL(req.url ?? '/', 'http://x.local').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const holdIndex = this.holds.findIndex((h) => h.method === method && h.path === path);
    const hold = holdIndex >= 0 ? this.holds.splice(holdIndex, 1)[0] : undefined;
    const target = this.target;
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(
        { host: target.hostname, port: target.port, method, path: req.url, headers: { ...req.headers, host: target.host } },
        resolve,
      );
      out.on('error', reject);
      out.end(body);
    });
    if (!hold) {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
      return;
    }
    const answer = await readAll(upstream);
    // The caller may have died meanwhile (that is the point): writing to its closed socket is harmless.
    res.on('error', () => undefined);
    this.parked.push(() => {
      if (res.destroyed) return;
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      res.end(answer);
    });
    hold.onHeld({ method, path, status: upstream.statusCode ?? 0, body: answer.toString('utf8') });
  }
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
