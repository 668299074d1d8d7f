import WebSocket from 'ws';

/**
 * What the simulated agents do with an offer:
 * - `hold`: nothing (the offer stays on the agent, using one unit of capacity): the pipeline phases, where the
 *   offer delivered on the socket is the end point and answering it would load the stack with work it does not measure;
 * - `finish`: accept, then mark done at once without replying (how held offers are cleared between phases);
 * - `reply`: accept, reply, then mark done at once: the handled phase, the full loop.
 */
export type SwarmMode = 'hold' | 'finish' | 'reply';

export interface SwarmAgent {
  username: string;
  password: string;
}

export interface OfferRecord {
  interactionId: string;
  messageId: string;
  /** When Perch received the message (ms since epoch, from the offer). */
  receivedAt: number;
  /** When the offer frame reached this agent's socket. */
  deliveredAt: number;
}

/**
 * What an agent waits for after each action, as its desk shows it:
 * - `accept`: the accept sent on the socket → 'interaction-accepted' (the interaction opens);
 * - `reply`: the reply's POST sent → its answer (the reply is queued for X);
 * - `replyPosted`: the same POST sent → 'action-sent' for it (the desk shows "Posted on X");
 * - `done`: the done POST sent → 'completed' (the interaction leaves the desk).
 * REST times start when the call leaves, after any wait for one of the agent's browser connections.
 */
export type ActionKind = 'accept' | 'reply' | 'replyPosted' | 'done';

export interface ActionRecord {
  kind: ActionKind;
  ms: number;
}

export interface CompletionRecord {
  interactionId: string;
  /** When the router's 'completed' reached the agent's socket. */
  at: number;
}

/** As the desktop's ApiClient: a call refused as gateway-busy is sent again this many times at most. */
const BUSY_RETRIES = 3;

export interface SwarmCounters {
  offers: number;
  accepted: number;
  replies: number;
  dones: number;
  completed: number;
  errors: number;
  /** REST calls the gateway refused as gateway-busy (ADR 41) and the swarm sent again after Retry-After, as the desktop does. */
  busyRetries: number;
}

/** Work the swarm started and the stack has not finished: the stack is not idle while any of it is non-zero. */
export interface SwarmInFlight {
  /** Offers delivered and not answered (hold mode keeps them on purpose). */
  held: number;
  /** Accepts sent with no 'interaction-accepted' (or refusal) back yet. */
  acceptsAwaiting: number;
  /** REST calls not answered yet. */
  requests: number;
  /** Done accepted (202) with no 'completed' on the socket yet. */
  awaitingCompletion: number;
}

/** Connections a browser keeps per host (Chromium, Firefox): the most REST calls one agent has in flight. */
const BROWSER_CONNECTIONS = 6;

interface ConnectedAgent {
  username: string;
  token: string;
  socket: WebSocket;
}

interface HeldOffer {
  agent: ConnectedAgent;
  offerId: string;
}

/** Simulated agents: each signs in, opens the desktop's WebSocket, goes ready, and treats offers as `mode` says. */
export class AgentSwarm {
  mode: SwarmMode = 'finish';
  readonly counters: SwarmCounters = { offers: 0, accepted: 0, replies: 0, dones: 0, completed: 0, errors: 0, busyRetries: 0 };
  /** "reply 403", "done 409", "socket error"…: what failed, so a bad run says why. */
  readonly errorKinds = new Map<string, number>();
  private readonly slotsByToken = new Map<string, { active: number; waiting: (() => void)[] }>();
  private readonly agents: ConnectedAgent[] = [];
  private readonly held = new Map<string, HeldOffer>();
  /** interactionId → reply before done? (fixed when the accept is sent, so a mode switch does not change it). */
  private readonly accepting = new Map<string, boolean>();
  private readonly awaitingCompletion = new Set<string>();
  /** interactionId → when the action whose answer comes on the socket was sent. */
  private readonly acceptSentAt = new Map<string, number>();
  private readonly replySentAt = new Map<string, number>();
  private readonly doneSentAt = new Map<string, number>();
  private requests = 0;
  private offerLog: OfferRecord[] = [];
  private completionLog: CompletionRecord[] = [];
  private actionLog: ActionRecord[] = [];

  constructor(private readonly gatewayUrl: string) {}

  async start(agents: readonly SwarmAgent[]): Promise<void> {
    await Promise.all(agents.map((agent) => this.connect(agent)));
  }

  inFlight(): SwarmInFlight {
    return { held: this.held.size, acceptsAwaiting: this.accepting.size, requests: this.requests, awaitingCompletion: this.awaitingCompletion.size };
  }

  /** Offers, completions and action timings seen since the previous call (the parent keeps the history). */
  takeRecords(): { offers: OfferRecord[]; completions: CompletionRecord[]; actions: ActionRecord[] } {
    const out = { offers: this.offerLog, completions: this.completionLog, actions: this.actionLog };
    this.offerLog = [];
    this.completionLog = [];
    this.actionLog = [];
    return out;
  }

  /** Accepts and finishes (no reply) every held offer: frees the agents' capacity after a hold phase. */
  drain(): number {
    const held = [...this.held.entries()];
    this.held.clear();
    for (const [interactionId, offer] of held) this.accept(offer.agent, interactionId, offer.offerId, false);
    return held.length;
  }

  /**
   * Signs every agent out (the gateway revokes the token, tells the router the agent is offline and closes the
   * socket with 4401), as a desktop does, instead of dropping connections the gateway would have to time out.
   */
  async stop(): Promise<void> {
    this.mode = 'hold';
    await Promise.all(
      this.agents.map(async (agent) => {
        const closed = new Promise<void>((resolve) => {
          if (agent.socket.readyState === WebSocket.CLOSED) resolve();
          else agent.socket.once('close', () => resolve());
        });
        const response = await this.request('sign-out', agent.token, `${this.gatewayUrl}/api/auth/sign-out`, 'POST');
        if (!response) agent.socket.close(1000, 'bench done');
        const timer = setTimeout(() => agent.socket.terminate(), 5_000);
        await closed;
        clearTimeout(timer);
      }),
    );
  }

  private async connect(agent: SwarmAgent): Promise<void> {
    const signIn = await fetch(`${this.gatewayUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: agent.username, password: agent.password }),
    });
    if (!signIn.ok) throw new Error(`sign-in failed for ${agent.username}: ${signIn.status} ${await signIn.text()}`);
    const { token } = (await signIn.json()) as { token: string };
    // As the desktop does: the token in the first message, never in the URL; offers come only after 'hello'.
    const socket = new WebSocket(`${this.gatewayUrl.replace(/^http/, 'ws')}/ws`);
    const connected: ConnectedAgent = { username: agent.username, token, socket };
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
      socket.once('message', (data) => {
        const first = JSON.parse(rawText(data)) as { type: string };
        if (first.type === 'hello') resolve();
        else reject(new Error(`socket for ${agent.username} answered ${first.type} instead of hello`));
      });
      socket.once('close', (code, reason) => reject(new Error(`socket for ${agent.username} closed: ${code} ${rawText(reason)}`)));
      socket.once('error', reject);
    });
    this.agents.push(connected);
    socket.on('message', (data) => this.onFrame(connected, rawText(data)));
    socket.on('error', () => this.fail('socket error'));
    // The capacity is the one the benchmark configured in GATEWAY_AGENTS; agents cannot set their own.
    const ready = await this.request('presence', token, `${this.gatewayUrl}/api/agents/me/presence`, 'PUT', { state: 'ready' });
    if (!ready) throw new Error(`presence failed for ${agent.username}`);
  }

  private onFrame(agent: ConnectedAgent, raw: string): void {
    const deliveredAt = Date.now();
    const frame = JSON.parse(raw) as { type: string; interactionId?: string; requestId?: string; code?: string };
    switch (frame.type) {
      case 'offer': {
        const offer = frame as unknown as { interactionId: string; offerId: string; messageId: string; receivedAt: number };
        this.counters.offers += 1;
        this.offerLog.push({ interactionId: offer.interactionId, messageId: offer.messageId, receivedAt: offer.receivedAt, deliveredAt });
        if (this.mode === 'hold') this.held.set(offer.interactionId, { agent, offerId: offer.offerId });
        else this.accept(agent, offer.interactionId, offer.offerId, this.mode === 'reply');
        return;
      }
      case 'interaction-accepted': {
        const id = (frame as unknown as { interaction: { id: string } }).interaction.id;
        const reply = this.accepting.get(id);
        if (reply === undefined) return;
        this.accepting.delete(id);
        this.counters.accepted += 1;
        this.timed('accept', this.acceptSentAt, id, deliveredAt);
        void this.finish(agent, id, reply);
        return;
      }
      case 'completed':
        if (frame.interactionId !== undefined && this.awaitingCompletion.delete(frame.interactionId)) {
          this.counters.completed += 1;
          this.timed('done', this.doneSentAt, frame.interactionId, deliveredAt);
          this.completionLog.push({ interactionId: frame.interactionId, at: deliveredAt });
        }
        return;
      case 'action-sent':
        if (frame.interactionId !== undefined) this.timed('replyPosted', this.replySentAt, frame.interactionId, deliveredAt);
        return;
      case 'error':
        // A refused accept names its requestId (the interaction): it will never be accepted, so stop waiting for it.
        if (frame.requestId !== undefined) {
          this.accepting.delete(frame.requestId);
          this.acceptSentAt.delete(frame.requestId);
        }
        this.fail(`socket ${frame.code ?? 'error'}`);
        return;
      default:
    }
  }

  private accept(agent: ConnectedAgent, interactionId: string, offerId: string, reply: boolean): void {
    this.accepting.set(interactionId, reply);
    this.acceptSentAt.set(interactionId, Date.now());
    agent.socket.send(JSON.stringify({ type: 'accept', interactionId, offerId, requestId: interactionId }));
  }

  private async finish(agent: ConnectedAgent, interactionId: string, reply: boolean): Promise<void> {
    const base = `${this.gatewayUrl}/api/interactions/${interactionId}`;
    if (reply) {
      const text = `Sorry about that! We're on it (ref ${interactionId.slice(0, 8)}).`;
      const sent = (at: number): void => void this.replySentAt.set(interactionId, at);
      const answered = (ms: number): void => void this.actionLog.push({ kind: 'reply', ms });
      if (await this.request('reply', agent.token, `${base}/replies`, 'POST', { text }, { sent, answered })) this.counters.replies += 1;
      else this.replySentAt.delete(interactionId);
    }
    // Marked done before the 202 comes back would race the completion frame: register first.
    this.awaitingCompletion.add(interactionId);
    const sent = (at: number): void => void this.doneSentAt.set(interactionId, at);
    if (await this.request('done', agent.token, `${base}/done`, 'POST', { disposition: 'resolved' }, { sent })) this.counters.dones += 1;
    else {
      this.awaitingCompletion.delete(interactionId);
      this.doneSentAt.delete(interactionId);
    }
  }

  /** Records how long the action `kind` on the interaction waited for its answer on the socket (if it was timed). */
  private timed(kind: ActionKind, sentAt: Map<string, number>, interactionId: string, answeredAt: number): void {
    const at = sentAt.get(interactionId);
    if (at === undefined) return;
    sentAt.delete(interactionId);
    this.actionLog.push({ kind, ms: answeredAt - at });
  }

  /**
   * One REST call, counted in flight; false (and the failure counted by kind) when it did not succeed. An agent is one
   * browser: at most BROWSER_CONNECTIONS of its calls at once, as a browser keeps per host. Without that, draining
   * 5,000 held offers opened thousands of connections at once and timed out in the gateway's listen backlog.
   */
  private async request(
    kind: string,
    token: string,
    url: string,
    method: string,
    body?: unknown,
    timing?: { sent?: (at: number) => void; answered?: (ms: number) => void },
  ): Promise<boolean> {
    this.requests += 1;
    const slots = this.browserSlots(token);
    if (slots.active >= BROWSER_CONNECTIONS) await new Promise<void>((resolve) => slots.waiting.push(resolve));
    else slots.active += 1;
    try {
      for (let attempt = 0; ; attempt += 1) {
        const sentAt = Date.now();
        // A call sent again after gateway-busy is timed from its last sending: the wait before it is the retry's.
        timing?.sent?.(sentAt);
        const response = await fetch(url, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        if (response.ok) {
          timing?.answered?.(Date.now() - sentAt);
          return true;
        }
        // Refused before anything was done (ADR 41): sent again after Retry-After, as the desktop's client does.
        if (response.status === 503 && attempt < BUSY_RETRIES && text.includes('"gateway-busy"')) {
          this.counters.busyRetries += 1;
          await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? '1') * 1_000 + Math.random() * 250));
          continue;
        }
        this.fail(`${kind} ${response.status}`);
        return false;
      }
    } catch (error) {
      // fetch says only "fetch failed"; its cause says why (ECONNRESET, UND_ERR_SOCKET, ...).
      const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
      this.fail(`${kind} network ${error instanceof Error ? error.message : String(error)}${typeof cause === 'string' ? ` (${cause})` : ''}`);
      return false;
    } finally {
      this.requests -= 1;
      // The slot passes straight to the next waiting call, if any.
      const next = slots.waiting.shift();
      if (next) next();
      else slots.active -= 1;
    }
  }

  private browserSlots(token: string): { active: number; waiting: (() => void)[] } {
    let slots = this.slotsByToken.get(token);
    if (!slots) {
      slots = { active: 0, waiting: [] };
      this.slotsByToken.set(token, slots);
    }
    return slots;
  }

  private fail(kind: string): void {
    this.counters.errors += 1;
    this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
  }
}

function rawText(data: WebSocket.RawData | Buffer | string): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
