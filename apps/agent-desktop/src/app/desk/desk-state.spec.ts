import { describe, expect, it } from 'vitest';

import type { ConferenceUpdateMessage, RosterEntry } from '@perch/desktop-api';

import * as desk from './desk-state.domain';

const REASONS = ['break', 'meeting', 'training'];
const SINCE = '2026-12-03T10:00:00.000Z';
const names: Record<string, string> = { bob: 'Bob Byrne', cleo: 'Cleo Park' };
const nameOf = (id: string): string => names[id] ?? id;

describe('presence in the top bar', () => {
  it('shows the router’s state once, with the not-ready reason in words', () => {
    expect(desk.presenceStatus({ state: 'ready', since: SINCE }, 0)).toEqual({ state: 'ready', label: 'Ready', reason: '', countdown: null });
    expect(desk.presenceStatus({ state: 'not-ready', reason: 'missed-offer', since: SINCE }, 0)).toMatchObject({
      label: 'Not ready (missed offer)',
      reason: 'missed-offer',
    });
    expect(desk.presenceStatus({ state: 'offline', since: null }, 0).label).toBe('Offline');
  });

  it('counts wrap-up down on the gateway’s clock and never below zero', () => {
    const ends = Date.parse(SINCE) + 30_000;
    const presence = { state: 'wrap-up' as const, since: SINCE, wrapUpEndsAt: new Date(ends).toISOString() };
    expect(desk.presenceStatus(presence, ends - 12_400)).toMatchObject({ label: 'Wrap-up', countdown: '12 s' });
    expect(desk.presenceStatus(presence, ends + 5_000).countdown).toBe('0 s');
    expect(desk.presenceStatus({ state: 'wrap-up', since: SINCE }, 0).countdown).toBeNull();
  });

  it('offers "Go ready" only where it changes something, and never labels the control with the state', () => {
    expect(desk.presenceControls({ state: 'ready', since: SINCE }, false, REASONS).goReady.hidden).toBe(true);
    expect(desk.presenceControls({ state: 'not-ready', reason: 'break', since: SINCE }, false, REASONS)).toEqual({
      goReady: { hidden: false, disabled: false, label: 'Go ready' },
      notReady: { disabled: false, value: 'break' },
    });
    expect(desk.presenceControls({ state: 'wrap-up', since: SINCE }, false, REASONS).goReady.label).toBe('Go ready now');
    // The router's own reason (a missed offer) is not one the agent picks: nothing is preselected.
    expect(desk.presenceControls({ state: 'not-ready', reason: 'missed-offer', since: SINCE }, false, REASONS).notReady.value).toBe('');
  });

  it('disables both controls while a change waits for the router', () => {
    const controls = desk.presenceControls({ state: 'offline', since: null }, true, REASONS);
    expect(controls.goReady.disabled).toBe(true);
    expect(controls.notReady.disabled).toBe(true);
  });
});

describe('pickers of colleagues', () => {
  const roster: RosterEntry[] = [
    { id: 'cleo', name: 'Cleo Park', state: 'offline' },
    { id: 'bob', name: 'Bob Byrne', state: 'not-ready' },
  ];

  it('lists the queue first, then colleagues by name with their state, an offline one not pickable for a transfer', () => {
    expect(desk.transferTargets(roster)).toEqual([
      { value: '', label: 'The queue (next free agent)', disabled: false },
      { value: 'bob', label: 'Bob Byrne (not ready)', disabled: false },
      { value: 'cleo', label: 'Cleo Park (offline)', disabled: true },
    ]);
  });

  it('lets a consultation name an offline colleague but a conference only one signed in', () => {
    expect(desk.colleagueChoices(roster, 'consult').find((o) => o.value === 'cleo')?.disabled).toBe(false);
    expect(desk.colleagueChoices(roster, 'conference').find((o) => o.value === 'cleo')?.disabled).toBe(true);
    expect(desk.colleagueChoices(roster, 'consult')[0]).toEqual({ value: '', label: 'Choose a colleague…', disabled: true });
  });
});

describe('a transfer as the holder sees it', () => {
  it('follows the router from sent to offered to declined, and the holder may try again', () => {
    let transfer = desk.nextTransfer(undefined, { type: 'sent', toAgentId: 'bob' });
    expect(desk.transferFeedback(transfer, nameOf)).toMatchObject({ kind: 'pending', busy: true });
    transfer = desk.nextTransfer(transfer, { type: 'transfer-update', status: 'offered', toAgentId: 'bob' });
    expect(desk.transferFeedback(transfer, nameOf).text).toBe('Offered to Bob Byrne: waiting for an answer. It stays with you until they accept.');
    transfer = desk.nextTransfer(transfer, { type: 'transfer-update', status: 'declined', toAgentId: 'bob' });
    expect(desk.transferFeedback(transfer, nameOf)).toEqual({ text: 'Bob Byrne declined the transfer: it stays with you.', kind: 'failed', busy: false });
  });

  it('says when the colleague let the offer time out', () => {
    const transfer = desk.nextTransfer({ toAgentId: 'bob', status: 'offered' }, { type: 'transfer-update', status: 'timed-out', toAgentId: 'bob' });
    expect(desk.transferFeedback(transfer, nameOf)).toEqual({ text: 'Bob Byrne did not answer in time: it stays with you.', kind: 'failed', busy: false });
  });

  it('keeps an answer that overtook the offered notice', () => {
    const declined = { toAgentId: 'bob', status: 'declined' as const };
    expect(desk.nextTransfer(declined, { type: 'transfer-update', status: 'offered', toAgentId: 'bob' })).toBe(declined);
  });

  it('ends accepted by the colleague, or queued', () => {
    const offered = { toAgentId: 'bob', status: 'offered' as const };
    expect(desk.transferFeedback(desk.nextTransfer(offered, { type: 'transferred', toAgentId: 'bob' }), nameOf).text).toBe('Bob Byrne accepted the transfer.');
    expect(desk.transferFeedback(desk.nextTransfer(undefined, { type: 'transferred' }), nameOf).text).toBe('Transferred to the queue.');
  });

  it('words the gateway’s refusals and keeps whom it was for', () => {
    const refused = desk.nextTransfer({ toAgentId: 'cleo', status: 'sending' }, { type: 'refused', detail: desk.transferRefusal('agent-offline', 'x') });
    expect(desk.transferFeedback(refused, nameOf)).toEqual({ text: 'Not transferred: that colleague is offline.', kind: 'failed', busy: false });
    expect(desk.transferRefusal('something-new', 'The server said so')).toBe('The server said so');
    expect(desk.transferRefusal('in-conference', 'x')).toBe('guests are in the conference: they leave, or you hand it over, first.');
  });
});

describe('consultation threads', () => {
  const entry = (entryId: string, at: number, fromAgentId: string, withAgentId: string, text = entryId) => ({
    kind: 'consultation' as const,
    entryId,
    consultationId: entryId,
    at,
    fromAgentId,
    withAgentId,
    text,
  });

  it('keeps one thread per interaction and colleague, each entry once, in time order', () => {
    let threads = desk.addToThreads([], 'i1', entry('b', 2, 'bob', 'ada'), 'bob');
    threads = desk.addToThreads(threads, 'i1', entry('a', 1, 'ada', 'bob'), 'bob');
    threads = desk.addToThreads(threads, 'i1', entry('b', 2, 'bob', 'ada'), 'bob');
    expect(threads).toHaveLength(1);
    expect(threads[0]).toMatchObject({ interactionId: 'i1', peerId: 'ada' });
    expect(threads[0]?.entries.map((e) => e.entryId)).toEqual(['a', 'b']);
  });

  it('puts the thread with the newest entry first', () => {
    let threads = desk.addToThreads([], 'i1', entry('a', 1, 'ada', 'bob'), 'bob');
    threads = desk.addToThreads(threads, 'i2', entry('c', 5, 'cleo', 'bob'), 'bob');
    expect(threads.map((t) => t.interactionId)).toEqual(['i2', 'i1']);
    threads = desk.addToThreads(threads, 'i1', entry('d', 9, 'ada', 'bob'), 'bob');
    expect(threads.map((t) => t.interactionId)).toEqual(['i1', 'i2']);
  });

  it('splits the internal entries out of the customer conversation', () => {
    const transcript = [{ kind: 'customer-message' }, entry('a', 1, 'ada', 'bob'), { kind: 'agent-action' }];
    const split = desk.splitTranscript(transcript);
    expect(split.conversation.map((e) => e.kind)).toEqual(['customer-message', 'agent-action']);
    expect(split.internal).toHaveLength(1);
  });

  it('answers the colleague picked, else the last one who wrote', () => {
    const internal = [entry('a', 1, 'ada', 'bob'), entry('b', 2, 'cleo', 'ada')];
    expect(desk.consultRecipient(internal, 'bob', 'ada')).toBe('bob');
    expect(desk.consultRecipient(internal, '', 'ada')).toBe('cleo');
    expect(desk.consultRecipient([], '', 'ada')).toBe('');
  });
});

describe('a conference', () => {
  const update = (status: ConferenceUpdateMessage['status'], agentId: string, guests: string[], holderAgentId = 'ada') => ({
    type: 'conference-update' as const,
    status,
    agentId,
    holderAgentId,
    guests,
  });

  it('follows the holder’s invitation from sent to invited to joined, then allows another', () => {
    let conference = desk.nextConference(undefined, { type: 'invite-sent', agentId: 'bob', holderAgentId: 'ada' });
    expect(conference.invited).toBe('bob');
    expect(desk.conferenceFeedback(conference, 'ada', nameOf)).toEqual({ text: 'Inviting Bob Byrne…', kind: 'pending' });
    conference = desk.nextConference(conference, update('invited', 'bob', []));
    expect(desk.conferenceFeedback(conference, 'ada', nameOf).text).toBe('Invitation sent to Bob Byrne: waiting for an answer.');
    conference = desk.nextConference(conference, update('joined', 'bob', ['bob']));
    expect(conference).toMatchObject({ holderAgentId: 'ada', guests: ['bob'], invited: null });
    expect(desk.conferenceFeedback(conference, 'ada', nameOf)).toEqual({ text: 'Bob Byrne joined the conference.', kind: 'sent' });
    expect(desk.conferenceFeedback(conference, 'bob', nameOf).text).toBe("You joined ada's conference.");
  });

  it('says when the invitation is declined, times out, or is refused', () => {
    const invited = desk.nextConference(undefined, update('invited', 'bob', []));
    expect(desk.conferenceFeedback(desk.nextConference(invited, update('declined', 'bob', [])), 'ada', nameOf)).toEqual({ text: 'Bob Byrne declined the invitation.', kind: 'failed' });
    expect(desk.nextConference(invited, update('timed-out', 'bob', [])).invited).toBeNull();
    const refused = desk.nextConference(invited, { type: 'invite-refused', agentId: 'cleo', detail: desk.conferenceRefusal('conference-full', 'x'), holderAgentId: 'ada' });
    expect(desk.conferenceFeedback(refused, 'ada', nameOf)).toEqual({ text: 'Not invited: the conference is full.', kind: 'failed' });
  });

  it('keeps another colleague’s pending invitation when a guest leaves', () => {
    const pending = { holderAgentId: 'ada', guests: ['bob'], invited: 'cleo', last: null };
    expect(desk.nextConference(pending, update('left', 'bob', [])).invited).toBe('cleo');
  });

  it('tells each desktop what a change means for it', () => {
    expect(desk.conferenceOutcome(update('left', 'bob', []), 'bob')).toBe('drop');
    expect(desk.conferenceOutcome(update('left', 'bob', []), 'ada')).toBe('keep');
    // Handed over: the guest holds it now and the previous holder is out.
    expect(desk.conferenceOutcome(update('handed-over', 'bob', [], 'bob'), 'bob')).toBe('hold');
    expect(desk.conferenceOutcome(update('handed-over', 'bob', [], 'bob'), 'ada')).toBe('drop');
    expect(desk.conferenceOutcome(update('handed-over', 'bob', ['cleo'], 'bob'), 'cleo')).toBe('keep');
    expect(desk.conferenceFeedback(desk.nextConference(undefined, update('handed-over', 'bob', [], 'bob')), 'bob', nameOf).text).toBe('It was handed over to you: you hold it now.');
  });

  it('knows the holder from the guest', () => {
    expect(desk.conferenceRole({ agentId: 'ada' }, undefined, 'ada')).toBe('holder');
    expect(desk.conferenceRole({ agentId: 'ada' }, undefined, 'bob')).toBe('guest');
    expect(desk.conferenceRole({ agentId: 'ada' }, { holderAgentId: 'bob', guests: ['ada'], invited: null, last: null }, 'bob')).toBe('holder');
  });
});

describe('offer toasts', () => {
  it('says whether it is a tweet or a DM, and names a transfer and a conference invitation, with the colleague’s note when there is one', () => {
    expect(desk.offerHeading({ messageKind: 'mention' }, nameOf)).toEqual({ kind: 'new', title: 'New tweet', note: null, accept: 'Accept' });
    expect(desk.offerHeading({ messageKind: 'dm' }, nameOf).title).toBe('New direct message');
    expect(desk.offerHeading({ messageKind: 'reply', transfer: { fromAgentId: 'bob', reason: 'refunds' } }, nameOf)).toEqual({
      kind: 'transfer',
      title: 'Transfer from Bob Byrne',
      note: 'Reason: refunds',
      accept: 'Accept',
    });
    // Read again after a reload: the offer carries no reason.
    expect(desk.offerHeading({ messageKind: 'reply', transfer: { fromAgentId: 'bob', reason: '' } }, nameOf).note).toBeNull();
    expect(desk.offerHeading({ messageKind: 'dm', conference: { fromAgentId: 'bob', reason: 'two heads' } }, nameOf)).toEqual({
      kind: 'conference',
      title: 'Conference invitation from Bob Byrne',
      note: 'Note: two heads',
      accept: 'Join',
    });
  });
});

describe('marking done', () => {
  const base = { required: false, brand: 'PerchAir', disposition: '', note: '', noteMaxLength: 10 };

  it('asks for a disposition only where the brand requires one', () => {
    expect(desk.doneRefusal(base)).toBeNull();
    expect(desk.doneRefusal({ ...base, required: true })).toEqual({ field: 'disposition', message: 'Choose a disposition: @PerchAir requires one before done.' });
    expect(desk.doneRefusal({ ...base, required: true, disposition: 'resolved' })).toBeNull();
  });

  it('refuses a blank note and one over the limit, as the gateway would', () => {
    expect(desk.doneRefusal({ ...base, note: '   ' })?.field).toBe('note');
    expect(desk.doneRefusal({ ...base, note: 'x'.repeat(11) })?.message).toBe('The note is too long: 11 of 10 characters.');
    expect(desk.doneRefusal({ ...base, note: 'courier' })).toBeNull();
  });
});

describe('pickers keep the agent’s choice', () => {
  it('keeps a choice still allowed, else falls back to the first option', () => {
    const options = [
      { value: '', label: 'The queue', disabled: false },
      { value: 'bob', label: 'Bob', disabled: false },
      { value: 'cleo', label: 'Cleo', disabled: true },
    ];
    expect(desk.keepChoice(options, 'bob')).toBe('bob');
    expect(desk.keepChoice(options, 'cleo')).toBe('');
    expect(desk.keepChoice(options, 'gone')).toBe('');
  });
});
