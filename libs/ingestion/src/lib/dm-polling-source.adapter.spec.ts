import { type InboundSource as InboundSourceKind } from '@perch/contracts';
import { createLogger, RetryableError } from '@perch/platform';
import { waitFor } from '@perch/testing';
import { type BrandAccount, compareIds, type DirectMessageTimeline, type DmEventsBatch, type DmEventsQuery, type ReceivedDirectMessage, XErrorCode } from '@perch/x-client';

import { MemoryCursorStore } from './cursor/memory-cursor-store.adapter';
import { dmCursorKey, DmPollingSource } from './dm-polling-source.adapter';
import { type InboundSourceHandlers, type SourceProblem } from './inbound-source.port';

/** An inbox with X's /2/dm_events semantics (no since_id; everything newer than a cursor), kept in memory. */
class InboxTimeline implements DirectMessageTimeline {
  readonly events: ReceivedDirectMessage[] = [];
  readonly broken: { reason: string; raw: string; id: string }[] = [];
  reads = 0;
  failNextRead?: Error;
  private next = 1_600_000_000_000_000_000n;

  receive(senderId: string, text: string, forUserId = '100'): string {
    this.next += 1n;
    const id = String(this.next);
    this.events.push({ id, forUserId, senderId, text, recipientId: forUserId });
    return id;
  }

  unreadable(): string {
    this.next += 1n;
    const id = String(this.next);
    this.broken.push({ id, reason: `DM event ${id} has no sender_id`, raw: `{"id":"${id}"}` });
    return id;
  }

  async newestEventId(): Promise<string | undefined> {
    const ids = [...this.events.map((e) => e.id), ...this.broken.map((b) => b.id)].sort(compareIds);
    return ids[ids.length - 1];
  }

  async readSince(query: DmEventsQuery): Promise<DmEventsBatch> {
    this.reads += 1;
    if (this.failNextRead) {
      const error = this.failNextRead;
      this.failNextRead = undefined;
      throw error;
    }
    const newer = <T extends { id: string }>(items: T[]) => items.filter((e) => compareIds(e.id, query.sinceId) > 0).sort((a, b) => compareIds(a.id, b.id));
    const messages = newer(this.events);
    const problems = newer(this.broken).map(({ reason, raw }) => ({ reason, raw }));
    const ids = [...messages, ...newer(this.broken)].map((e) => e.id).sort(compareIds);
    const newestId = ids[ids.length - 1];
    return { messages, problems, pages: 1, ...(newestId ? { newestId } : {}) };
  }
}

describe(DmPollingSource.name, () => {
  const brand: BrandAccount = { id: '100', username: 'acme_support', token: 'brand-token' };
  let inbox: InboxTimeline;
  let cursors: MemoryCursorStore;
  let delivered: { id: string; source: InboundSourceKind }[];
  let problems: SourceProblem[];
  let failOn: string | undefined;
  const handlers: InboundSourceHandlers = {
    onTweet: async () => {
      throw new Error('the DM poll hands over no tweets');
    },
    onDirectMessage: async (message, _receivedAt, source) => {
      if (message.id === failOn) throw new Error('broker down');
      delivered.push({ id: message.id, source });
    },
    onProblem: (problem) => void problems.push(problem),
  };

  beforeEach(() => {
    inbox = new InboxTimeline();
    cursors = new MemoryCursorStore();
    delivered = [];
    problems = [];
    failOn = undefined;
  });

  function poller(): DmPollingSource {
    return new DmPollingSource(inbox, [brand], cursors, createLogger('test'), { intervalMs: 60_000 });
  }

  it('starts a brand at its newest DM instead of replaying the inbox', async () => {
    inbox.receive('42', 'an old conversation');
    expect(await poller().pollOnce(brand, handlers)).toBe(0);
    expect(delivered).toEqual([]);
    expect(await cursors.get(dmCursorKey(brand.id))).toBe(inbox.events[0]?.id);
  });

  it('counts the very first DM of a brand whose inbox was empty when polling began', async () => {
    const source = poller();
    await source.pollOnce(brand, handlers);
    expect(await cursors.get(dmCursorKey(brand.id))).toBe('0');
    const first = inbox.receive('42', 'hello?');
    await source.pollOnce(brand, handlers);
    expect(delivered).toEqual([{ id: first, source: 'dm-poll' }]);
  });

  it('hands over every newer DM once, oldest first, own ones included for the ingestor to drop, and moves the cursor past them', async () => {
    const source = poller();
    await source.pollOnce(brand, handlers);
    const ids = [inbox.receive('42', 'where is my parcel?'), inbox.receive('100', 'Let me check.'), inbox.receive('43', 'refund please')];
    expect(await source.pollOnce(brand, handlers)).toBe(3);
    expect(delivered.map((d) => d.id)).toEqual(ids);
    expect(await cursors.get(dmCursorKey(brand.id))).toBe(ids[2]);
    await source.pollOnce(brand, handlers);
    expect(delivered).toHaveLength(3);
  });

  it('keeps the cursor when a DM cannot be published, and hands it over again on the next poll', async () => {
    const source = poller();
    await source.pollOnce(brand, handlers);
    const first = inbox.receive('42', 'my parcel is lost');
    const second = inbox.receive('43', 'my refund is late');
    failOn = second;
    await expect(source.pollOnce(brand, handlers)).rejects.toThrow('broker down');
    expect(await cursors.get(dmCursorKey(brand.id))).not.toBe(second);
    failOn = undefined;
    await source.pollOnce(brand, handlers);
    expect(delivered.map((d) => d.id)).toEqual([first, first, second]);
  });

  it('resumes after a restart exactly where it stopped: what arrived while it was down, nothing earlier', async () => {
    await poller().pollOnce(brand, handlers);
    const before = inbox.receive('42', 'before the restart');
    await poller().pollOnce(brand, handlers);
    const whileDown = [inbox.receive('43', 'while you were down'), inbox.receive('42', 'still down?')];
    delivered = [];
    await poller().pollOnce(brand, handlers);
    expect(delivered.map((d) => d.id)).toEqual(whileDown);
    expect(delivered.map((d) => d.id)).not.toContain(before);
  });

  it('dead-letters an unreadable event once the read is complete, and moves past it', async () => {
    const source = poller();
    await source.pollOnce(brand, handlers);
    const broken = inbox.unreadable();
    const good = inbox.receive('42', 'after the broken one');
    await source.pollOnce(brand, handlers);
    expect(problems).toEqual([{ reason: `DM event ${broken} has no sender_id`, raw: `{"id":"${broken}"}`, origin: 'x.dm-events' }]);
    expect(delivered.map((d) => d.id)).toEqual([good]);
    await source.pollOnce(brand, handlers);
    expect(problems).toHaveLength(1);
  });

  it('keeps polling on its own after X refuses a read, and catches up', async () => {
    const source = new DmPollingSource(inbox, [brand], cursors, createLogger('test'), { intervalMs: 20, maxBackoffMs: 40 });
    await cursors.advance(dmCursorKey(brand.id), '0');
    inbox.failNextRead = new RetryableError<XErrorCode>('X unavailable (503) during read DM events', XErrorCode.Unavailable);
    const id = inbox.receive('42', 'anyone?');
    await source.start(handlers);
    try {
      await waitFor('the DM once X reads again', () => delivered.length > 0, 5_000);
    } finally {
      await source.stop();
    }
    expect(delivered.map((d) => d.id)).toEqual([id]);
    expect(source.counters.failures).toBe(1);
  });
});
