import { type FollowResult, type PostedTweet, type PostTweetCommand, type SendDmCommand, type SentDm } from '@perch/x-client';

import { type CustomerLookupPort } from '../outbound-deps.types';
import { type XActionsPort } from '../x-actions.port';

export interface HeldCall {
  kind: 'tweet' | 'dm';
  brandToken: string;
  text: string;
  answer: () => void;
  refuse: (error: Error) => void;
}

/**
 * X whose answers the test gives: each call stays open until answered, so what runs at once can be seen.
 * `autoAnswer` answers every call on the next tick instead.
 */
export class HeldX implements XActionsPort, CustomerLookupPort {
  readonly started: HeldCall[] = [];
  readonly posted: PostTweetCommand[] = [];
  readonly sentDms: SendDmCommand[] = [];
  private readonly open = new Set<HeldCall>();
  maxOpen = 0;
  autoAnswer = false;
  private next = 1_800_000_000_000_000_000n;

  get openCalls(): HeldCall[] {
    return [...this.open];
  }

  async postTweet(command: PostTweetCommand): Promise<PostedTweet> {
    await this.hold('tweet', command.brandToken, command.text);
    this.posted.push(command);
    return { tweetId: this.nextId(), text: command.text };
  }

  async sendDm(command: SendDmCommand): Promise<SentDm> {
    await this.hold('dm', command.brandToken, command.text);
    this.sentDms.push(command);
    return { dmEventId: this.nextId(), dmConversationId: `1001-${command.participantId}` };
  }

  async findTweet(): Promise<undefined> {
    return undefined;
  }

  async findDm(): Promise<undefined> {
    return undefined;
  }

  async follow(): Promise<FollowResult> {
    return { following: true, pendingFollow: false };
  }

  async unfollow(): Promise<FollowResult> {
    return { following: false, pendingFollow: false };
  }

  async lookupUser(): Promise<never> {
    throw new Error('not in this test');
  }

  answerAll(): void {
    for (const call of this.openCalls) call.answer();
  }

  refuseAll(error: () => Error): void {
    for (const call of this.openCalls) call.refuse(error());
  }

  private hold(kind: HeldCall['kind'], brandToken: string, text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const call: HeldCall = {
        kind,
        brandToken,
        text,
        answer: () => {
          this.open.delete(call);
          resolve();
        },
        refuse: (error) => {
          this.open.delete(call);
          reject(error);
        },
      };
      this.started.push(call);
      this.open.add(call);
      this.maxOpen = Math.max(this.maxOpen, this.open.size);
      if (this.autoAnswer) setImmediate(call.answer);
    });
  }

  private nextId(): string {
    this.next += 1n;
    return this.next.toString();
  }
}

