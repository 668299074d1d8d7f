import { type ServerMessage } from '@perch/desktop-api';

import { AgentDesk } from './agent-desk.fixtures';

/** One offer as the agent's socket delivered it. */
export interface OfferSeen {
  interactionId: string;
  messageId: string;
  messageKind: string;
}

/**
 * An agent at work on one gateway: takes every offer its socket brings, answers it (a public reply, or a DM for a
 * DM), and marks it done once X has it, as fast as the desktop would let them. Event-driven, so many agents with
 * several interactions each keep the pipeline busy without a poll per interaction.
 */
export class WorkingAgent {
  readonly offers: OfferSeen[] = [];
  /** Interactions the socket said were completed. */
  readonly completed: string[] = [];
  /** What went wrong ("reply 409", "socket error NOT_HOLDER"…): a bad run says why. */
  readonly problems: string[] = [];
  private readonly kinds = new Map<string, string>();

  private constructor(
    readonly username: string,
    readonly gatewayUrl: string,
    private readonly desk: AgentDesk,
  ) {}

  static async start(gatewayUrl: string, username: string, password: string): Promise<WorkingAgent> {
    const desk = await AgentDesk.signIn(gatewayUrl, username, password);
    const agent = new WorkingAgent(username, gatewayUrl, desk);
    desk.socket.socket.on('message', (data) => agent.onFrame(JSON.parse(String(data)) as ServerMessage));
    await desk.ready();
    return agent;
  }

  close(): Promise<void> {
    return this.desk.close();
  }

  private onFrame(message: ServerMessage): void {
    switch (message.type) {
      case 'offer':
        if (message.transfer || message.conference) {
          this.problems.push(`unexpected ${message.transfer ? 'transfer' : 'conference'} offer`);
          return;
        }
        this.offers.push({ interactionId: message.interactionId, messageId: message.messageId, messageKind: message.messageKind });
        this.kinds.set(message.interactionId, message.messageKind);
        this.desk.socket.send({ type: 'accept', interactionId: message.interactionId, offerId: message.offerId });
        return;
      case 'interaction-accepted':
        void this.answer(message.interaction.id);
        return;
      case 'action-sent':
        if (message.interactionId !== undefined) void this.finish(message.interactionId);
        return;
      case 'action-failed':
        this.problems.push(`action failed on ${message.interactionId ?? '?'}: ${JSON.stringify(message.entry)}`);
        return;
      case 'completed':
        this.completed.push(message.interactionId);
        return;
      case 'error':
        this.problems.push(`socket error ${JSON.stringify(message)}`);
        return;
      default:
        return;
    }
  }

  private async answer(interactionId: string): Promise<void> {
    const dm = this.kinds.get(interactionId) === 'dm';
    // The interaction id in the text keeps every answer distinct (X refuses an author's duplicate text).
    const text = `Sorry about that! We're on it, case ${interactionId}.`;
    await this.call(dm ? 'dm' : 'reply', `/api/interactions/${interactionId}/${dm ? 'dms' : 'replies'}`, { text }, 202);
  }

  private async finish(interactionId: string): Promise<void> {
    await this.call('done', `/api/interactions/${interactionId}/done`, { disposition: 'resolved' });
  }

  private async call(what: string, path: string, body: unknown, expected?: number): Promise<void> {
    try {
      const answer = await this.desk.api('POST', path, body);
      const ok = expected === undefined ? answer.status < 300 : answer.status === expected;
      if (!ok) this.problems.push(`${what} ${answer.status} ${JSON.stringify(answer.body)}`);
    } catch (error) {
      this.problems.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
