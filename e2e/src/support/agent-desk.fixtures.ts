import { AgentSocketProbe } from '@perch/gateway/testing';
import { waitFor } from '@perch/testing';

import { within } from './within.util';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** What an agent's desktop does, through the gateway's REST API and socket: sign in, get ready, accept, reply. */
export class AgentDesk {
  private constructor(
    private readonly gatewayUrl: string,
    readonly token: string,
    readonly socket: AgentSocketProbe,
  ) {}

  static async signIn(gatewayUrl: string, username: string, password: string): Promise<AgentDesk> {
    const signIn = await call(gatewayUrl, undefined, 'POST', '/api/auth/sign-in', { username, password });
    if (signIn.status !== 201) throw new Error(`sign-in of ${username}: ${signIn.status} ${JSON.stringify(signIn.body)}`);
    const token = (signIn.body as { token: string }).token;
    return new AgentDesk(gatewayUrl, token, await AgentSocketProbe.connect(gatewayUrl, token));
  }

  api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return call(this.gatewayUrl, this.token, method, path, body);
  }

  /** Ready at the capacity the cluster configured for this agent (agents cannot set their own). */
  async ready(): Promise<void> {
    const answer = await this.api('PUT', '/api/agents/me/presence', { state: 'ready' });
    if (answer.status >= 300) throw new Error(`presence: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /** Waits for the offer of the customer's tweet, accepts it on the socket as the desktop does; the interaction id. */
  async accept(customerTweetId: string, timeoutMs = 30_000): Promise<string> {
    const offer = await within('the offer', this.socket.next('offer', (o) => o.messageId === customerTweetId), timeoutMs);
    this.socket.send({ type: 'accept', interactionId: offer.interactionId, offerId: offer.offerId });
    await within(
      'the accepted interaction',
      this.socket.next('interaction-accepted', (m) => m.interaction.id === offer.interactionId),
      30_000,
    );
    return offer.interactionId;
  }

  /** POST /api/interactions/:id/replies; the command id the gateway published. */
  async reply(interactionId: string, text: string): Promise<string> {
    const answer = await this.api('POST', `/api/interactions/${interactionId}/replies`, { text });
    if (answer.status !== 202) throw new Error(`reply: ${answer.status} ${JSON.stringify(answer.body)}`);
    return (answer.body as { commandId: string }).commandId;
  }

  /** Waits for the socket's word that the interaction's reply is on X ('reply-sent', or 'action-sent' since actions). */
  async replySent(interactionId: string): Promise<void> {
    await waitFor('the reply-sent message on the agent’s socket', () =>
      this.socket.messages.some((m: unknown) => {
        const { type, interactionId: id } = m as { type?: unknown; interactionId?: unknown };
        return (type === 'reply-sent' || type === 'action-sent') && id === interactionId;
      }),
    );
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}

async function call(baseUrl: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
