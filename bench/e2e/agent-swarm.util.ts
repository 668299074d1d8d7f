import WebSocket from 'ws';

export interface SwarmOptions {
  gatewayUrl: string;
  agents: { username: string; password: string }[];
  /** Reply and finish each accepted interaction at once (the benchmark's "agents who accept and reply at once"). */
  replyAndFinish: boolean;
}

interface OfferFrame {
  type: 'offer';
  interactionId: string;
  offerId: string;
  messageId: string;
  receivedAt: number;
}

interface AcceptedFrame {
  type: 'interaction-accepted';
  interaction: { id: string };
}

export interface OfferRecord {
  messageId: string;
  receivedAt: number;
  deliveredAt: number;
}

/** Simulated agents: each signs in, opens the desktop's WebSocket, goes ready, and accepts every offer. */
export class AgentSwarm {
  readonly offers: OfferRecord[] = [];
  replies = 0;
  completed = 0;
  errors = 0;
  /** "reply 403", "done 409", "socket error"…: what failed, so a bad run says why. */
  readonly errorKinds = new Map<string, number>();
  private readonly sockets: WebSocket[] = [];

  constructor(private readonly options: SwarmOptions) {}

  async start(): Promise<void> {
    await Promise.all(this.options.agents.map((agent) => this.connect(agent)));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
  }

  private async connect(agent: { username: string; password: string }): Promise<void> {
    const signIn = await fetch(`${this.options.gatewayUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: agent.username, password: agent.password }),
    });
    if (!signIn.ok) throw new Error(`sign-in failed for ${agent.username}: ${signIn.status} ${await signIn.text()}`);
    const { token } = (await signIn.json()) as { token: string };
    // As the desktop does: the token in the first message, never in the URL; offers come only after 'hello'.
    const socket = new WebSocket(`${this.options.gatewayUrl.replace(/^http/, 'ws')}/ws`);
    this.sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
      socket.once('message', (data) => {
        const first = JSON.parse(String(data)) as { type: string };
        if (first.type === 'hello') resolve();
        else reject(new Error(`socket for ${agent.username} answered ${first.type} instead of hello`));
      });
      socket.once('close', (code, reason) => reject(new Error(`socket for ${agent.username} closed: ${code} ${String(reason)}`)));
      socket.once('error', reject);
    });
    socket.on('message', (data) => this.onFrame(socket, token, String(data)));
    const ready = await fetch(`${this.options.gatewayUrl}/api/agents/me/presence`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      // The capacity is the one bench-e2e configured in GATEWAY_AGENTS; agents cannot set their own.
      body: JSON.stringify({ state: 'ready' }),
    });
    if (!ready.ok) throw new Error(`presence failed for ${agent.username}: ${ready.status} ${await ready.text()}`);
  }

  private onFrame(socket: WebSocket, token: string, raw: string): void {
    const deliveredAt = Date.now();
    const frame = JSON.parse(raw) as { type: string };
    if (frame.type === 'offer') {
      const offer = frame as OfferFrame;
      this.offers.push({ messageId: offer.messageId, receivedAt: offer.receivedAt, deliveredAt });
      socket.send(JSON.stringify({ type: 'accept', interactionId: offer.interactionId, offerId: offer.offerId }));
    } else if (frame.type === 'interaction-accepted' && this.options.replyAndFinish) {
      void this.replyAndFinish(token, (frame as AcceptedFrame).interaction.id);
    } else if (frame.type === 'error') {
      this.fail(`socket ${(frame as { code?: string }).code ?? 'error'}`);
    }
  }

  private async replyAndFinish(token: string, interactionId: string): Promise<void> {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    try {
      const reply = await fetch(`${this.options.gatewayUrl}/api/interactions/${interactionId}/replies`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: `Sorry about that! We're on it (ref ${interactionId.slice(0, 8)}).` }),
      });
      if (reply.ok) this.replies += 1;
      else this.fail(`reply ${reply.status}`);
      const done = await fetch(`${this.options.gatewayUrl}/api/interactions/${interactionId}/done`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ disposition: 'resolved' }),
      });
      if (done.ok) this.completed += 1;
      else this.fail(`done ${done.status}`);
    } catch (error) {
      this.fail(`network ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private fail(kind: string): void {
    this.errors += 1;
    this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
  }
}
