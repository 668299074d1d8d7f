import type { AgentActionEntry, AgentPresenceView, ConsultationEntry, InteractionView, OfferMessage } from '@perch/desktop-api';
import { describe, expect, it } from 'vitest';

import { currentView, type DeskState, deskReducer, holds, initialDesk, upsertEntry } from './desk-reducer.domain';

const AT = '2026-12-03T10:00:00.000Z';

function offer(interactionId: string, offerId = `${interactionId}-o1`): OfferMessage {
  return {
    type: 'offer',
    interactionId,
    offerId,
    expiresAt: '2026-12-03T10:00:30.000Z',
    priority: 1,
    brandAccountId: 'b1',
    conversationKey: 'c1',
    messageId: 'm1',
    messageKind: 'mention',
    author: { id: 'u1', username: 'dana', name: 'Dana', followersCount: 1, followingCount: 2, tweetCount: 3, profileUrl: 'https://x.com/dana' },
    snippet: 'hi',
    text: 'hi',
    sentiment: 'neutral',
    actionability: 'actionable',
    createdAt: AT,
    receivedAt: 0,
  };
}

function view(id: string, overrides: Partial<InteractionView> = {}): InteractionView {
  return {
    id,
    conversationKey: 'c1',
    brandAccountId: 'b1',
    correlationId: 'k1',
    priority: 1,
    state: 'active',
    agentId: 'ada',
    offerId: null,
    offerExpiresAt: null,
    firstMessage: null,
    classification: null,
    classificationCorrection: null,
    completion: null,
    transcript: [],
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

function presence(state: AgentPresenceView['state'], since: string, extra: Partial<AgentPresenceView> = {}): AgentPresenceView {
  return { agentId: 'ada', state, since, capacity: 2, load: 0, loadByChannel: { public: 0, dm: 0 }, reasons: ['break'], at: since, ...extra };
}

function action(entryId: string, status: AgentActionEntry['status'], at = 1): AgentActionEntry {
  return { kind: 'agent-action', entryId, at, commandId: entryId, action: 'reply', agentId: 'ada', status };
}

const run = (state: DeskState, ...actions: Parameters<typeof deskReducer>[1][]): DeskState => actions.reduce(deskReducer, state);

describe('reading the state again (sign-in, reload, reconnect)', () => {
  it('shows the router’s offers and interactions, opening the first active one, and its reasons and clock', () => {
    const state = run(initialDesk('ada'), {
      type: 'resynced',
      presence: presence('ready', AT, { at: '2026-12-03T10:00:05.000Z' }),
      offers: [offer('i2')],
      interactions: [view('i1')],
      now: Date.parse('2026-12-03T10:00:04.000Z'),
      shownBefore: [],
      openBefore: [],
    });
    expect(state.presence).toEqual({ state: 'ready', since: AT });
    expect(state.reasons).toEqual(['break']);
    expect(state.clockSkew).toBe(1_000);
    expect(state.offers.map((o) => o.interactionId)).toEqual(['i2']);
    expect(currentView(state)?.id).toBe('i1');
  });

  it('drops a toast the router no longer offers, but keeps one pushed while the reads were on their way', () => {
    const before = run(initialDesk('ada'), { type: 'offer', offer: offer('gone') }, { type: 'offer', offer: offer('pushed-during') });
    const state = run(before, { type: 'resynced', presence: presence('ready', AT), offers: [], interactions: [], now: 0, shownBefore: ['gone'], openBefore: [] });
    expect(state.offers.map((o) => o.interactionId)).toEqual(['pushed-during']);
  });

  it('forgets interactions that closed while away, and marks one held by a colleague as a conference it is a guest of', () => {
    const before = run(initialDesk('ada'), { type: 'accepted', interaction: view('old') });
    const state = run(before, { type: 'resynced', presence: presence('ready', AT), offers: [], interactions: [view('theirs', { agentId: 'bob' })], now: 0, shownBefore: [], openBefore: ['old'] });
    expect(state.interactions.map((v) => v.id)).toEqual(['theirs']);
    expect(state.conferences['theirs']).toMatchObject({ holderAgentId: 'bob', guests: ['ada'] });
    expect(holds(state, 'theirs')).toBe(false);
  });

  it('ignores a presence read older than the push already shown', () => {
    const pushed = run(initialDesk('ada'), {
      type: 'presence-pushed',
      presence: { type: 'presence', state: 'not-ready', reason: 'missed-offer', since: '2026-12-03T10:00:10.000Z', cause: 'offer-timeout', capacity: 2, load: 0, loadByChannel: { public: 0, dm: 0 } },
    });
    const state = run(pushed, { type: 'resynced', presence: presence('ready', AT), offers: [], interactions: [], now: 0, shownBefore: [], openBefore: [] });
    expect(state.presence).toMatchObject({ state: 'not-ready', reason: 'missed-offer' });
  });
});

describe('an interaction on the desk', () => {
  it('opens on accept, answered by DM when the customer wrote a DM', () => {
    const dm = view('i1', { firstMessage: { kind: 'dm' } as InteractionView['firstMessage'] });
    const state = run(initialDesk('ada'), { type: 'offer', offer: offer('i1') }, { type: 'accepted', interaction: dm });
    expect(state.offers).toEqual([]);
    expect(state.currentId).toBe('i1');
    expect(state.channel).toBe('dm');
  });

  it('never takes an action back from sent to pending, and keeps entries in time order', () => {
    const transcript = upsertEntry(upsertEntry([], action('cmd:b', 'sent', 5)), action('cmd:a', 'pending', 2));
    expect(transcript.map((e) => e.entryId)).toEqual(['cmd:a', 'cmd:b']);
    expect(upsertEntry(transcript, action('cmd:b', 'pending', 9)).find((e) => e.entryId === 'cmd:b')).toMatchObject({ status: 'sent', at: 5 });
  });

  it('switches the composer back to a public reply when X says the customer cannot get a DM', () => {
    const open = run(initialDesk('ada'), { type: 'accepted', interaction: view('i1') }, { type: 'channel', channel: 'dm' });
    const state = run(open, {
      type: 'profile',
      interactionId: 'i1',
      profile: { id: 'u1', username: 'dana', name: 'Dana', profileUrl: '', followsBrand: false, followedByBrand: false, canDm: false, fetchedAt: 0 },
    });
    expect(state.channel).toBe('reply');
  });

  it('leaves the desk when completed or transferred, with its panels and transfer state', () => {
    const open = run(initialDesk('ada'), { type: 'accepted', interaction: view('i1') }, { type: 'panel', panel: 'transfer' }, { type: 'transfer', interactionId: 'i1', event: { type: 'sent', toAgentId: null } });
    const state = run(open, { type: 'completed', interactionId: 'i1' });
    expect(state.interactions).toEqual([]);
    expect(state.currentId).toBeNull();
    expect(state.panel).toBeNull();
    expect(state.transfers).toEqual({});
  });

  it('puts a colleague’s consultation about their own interaction in a thread, and the holder’s in the transcript', () => {
    const entry: ConsultationEntry = { kind: 'consultation', entryId: 'con:1', consultationId: '1', at: 1, fromAgentId: 'bob', withAgentId: 'ada', text: 'refund?' };
    const asked = run(initialDesk('ada'), { type: 'consultation', interactionId: 'bobs', entry });
    expect(asked.consultThreads).toEqual([{ interactionId: 'bobs', peerId: 'bob', entries: [entry] }]);
    const held = run(initialDesk('ada'), { type: 'accepted', interaction: view('mine') }, { type: 'consultation', interactionId: 'mine', entry });
    expect(held.consultThreads).toEqual([]);
    expect(currentView(held)?.transcript).toEqual([entry]);
  });

  it('gives the holder’s seat to the guest it was handed over to', () => {
    const guest = run(initialDesk('ada'), { type: 'accepted', interaction: view('i1', { agentId: 'bob' }), conference: { holderAgentId: 'bob', guests: ['ada'] } });
    expect(holds(guest, 'i1')).toBe(false);
    const holder = run(guest, { type: 'conference', interactionId: 'i1', update: { type: 'conference-update', interactionId: 'i1', status: 'handed-over', agentId: 'ada', holderAgentId: 'ada', guests: [] } });
    expect(holds(holder, 'i1')).toBe(true);
    expect(currentView(holder)?.agentId).toBe('ada');
  });
});

describe('notices', () => {
  it('numbers each notice and removes the one named', () => {
    const state = run(initialDesk('ada'), { type: 'notice', text: 'a', kind: 'sent' }, { type: 'notice', text: 'b', kind: 'failed', commandId: 'c1' });
    expect(state.notices).toEqual([
      { id: 1, text: 'a', kind: 'sent' },
      { id: 2, text: 'b', kind: 'failed', commandId: 'c1' },
    ]);
    expect(run(state, { type: 'notice-gone', id: 1 }).notices.map((n) => n.text)).toEqual(['b']);
  });

  it('takes a command’s "Posting…" away once X answered it, leaving the others', () => {
    const state = run(
      initialDesk('ada'),
      { type: 'notice', text: 'Posting…', kind: 'pending', commandId: 'c1' },
      { type: 'notice', text: 'Posting…', kind: 'pending', commandId: 'c2' },
      { type: 'command-settled', commandId: 'c1' },
    );
    expect(state.notices.map((n) => n.commandId)).toEqual(['c2']);
  });

  it('never shows a "Posting…" for a command X answered before the call that sent it returned', () => {
    // Under load the outcome's push can overtake the REST answer the dialog waits for.
    const state = run(initialDesk('ada'), { type: 'command-settled', commandId: 'c1' }, { type: 'notice', text: 'Posting…', kind: 'pending', commandId: 'c1' });
    expect(state.notices).toEqual([]);
    expect(run(state, { type: 'notice', text: 'Posting…', kind: 'pending', commandId: 'c2' }).notices.map((n) => n.commandId)).toEqual(['c2']);
  });

  it('remembers only the latest answered commands', () => {
    const settled = Array.from({ length: 60 }, (_, i) => ({ type: 'command-settled' as const, commandId: `c${i}` }));
    const state = run(initialDesk('ada'), ...settled);
    expect(state.settledCommands).toHaveLength(50);
    expect(state.settledCommands[0]).toBe('c10');
    expect(state.settledCommands.at(-1)).toBe('c59');
  });
});

describe('an interaction pushed without its history (the gateway could not read its store)', () => {
  const customer = (entryId: string, at: number, text: string): InteractionView['transcript'][number] => ({
    kind: 'customer-message',
    entryId,
    at,
    messageId: entryId,
    messageKind: 'mention',
    text,
    authorId: 'u1',
    authorUsername: 'dana',
    authorName: 'Dana',
    createdAt: AT,
    receivedAt: at,
    mentions: [],
  });
  const first = { kind: 'mention', text: 'my bag never arrived' } as InteractionView['firstMessage'];

  it('opens it marked incomplete, and the view read again replaces it, keeping what was pushed meanwhile', () => {
    const opened = run(initialDesk('ada'), { type: 'accepted', interaction: view('i1'), incomplete: true });
    expect(opened.incomplete).toEqual(['i1']);
    expect(currentView(opened)?.id).toBe('i1');

    const meanwhile = run(opened, { type: 'entry', interactionId: 'i1', entry: action('cmd:r1', 'sent', 5) });
    const read = run(meanwhile, {
      type: 'view-read',
      interaction: view('i1', { firstMessage: first, transcript: [customer('msg:m1', 1, 'my bag never arrived'), action('cmd:r1', 'pending', 5)] }),
    });

    expect(read.incomplete).toEqual([]);
    expect(currentView(read)?.firstMessage).toBe(first);
    // The reply's answer pushed meanwhile (sent) is not undone by the store's older copy (pending).
    expect(currentView(read)?.transcript.map((e) => [e.entryId, e.kind === 'agent-action' ? e.status : e.kind === 'customer-message' ? e.text : e.kind])).toEqual([
      ['msg:m1', 'my bag never arrived'],
      ['cmd:r1', 'sent'],
    ]);
  });

  it('is no longer read again once completed or read whole by a resync, and a whole push clears the mark', () => {
    const opened = run(initialDesk('ada'), { type: 'accepted', interaction: view('i1'), incomplete: true }, { type: 'accepted', interaction: view('i2'), incomplete: true });
    expect(run(opened, { type: 'completed', interactionId: 'i1' }).incomplete).toEqual(['i2']);
    expect(run(opened, { type: 'resynced', presence: presence('ready', AT), offers: [], interactions: [view('i2')], now: 0, shownBefore: [], openBefore: ['i1', 'i2'] }).incomplete).toEqual(['i1']);
    expect(run(opened, { type: 'accepted', interaction: view('i2') }).incomplete).toEqual(['i1']);
  });

  it('ignores a view read for an interaction it no longer holds', () => {
    const opened = run(initialDesk('ada'), { type: 'accepted', interaction: view('i1'), incomplete: true }, { type: 'completed', interactionId: 'i1' });
    expect(run(opened, { type: 'view-read', interaction: view('i1', { firstMessage: first }) }).interactions).toEqual([]);
  });
});
