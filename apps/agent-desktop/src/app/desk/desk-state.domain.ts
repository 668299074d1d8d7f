import type { ConferenceUpdateMessage, ConsultationEntry, OfferMessage, RosterEntry, TransferredMessage, TransferUpdateMessage } from '@perch/desktop-api';

// The desk's state rules as small pure functions (no DOM, no fetch), unit-tested with Vitest; the components render
// what these return.

/** The agent's state as the router holds it (GET /api/agents/me/presence, then the socket's `presence` pushes). */
export interface Presence {
  state: 'ready' | 'not-ready' | 'wrap-up' | 'offline';
  reason?: string;
  since: string | null;
  wrapUpEndsAt?: string;
}

export interface PickerOption {
  value: string;
  label: string;
  disabled: boolean;
}

export interface ConsultThread {
  interactionId: string;
  peerId: string;
  entries: ConsultationEntry[];
}

export interface TransferState {
  toAgentId: string | null;
  status: 'sending' | 'offered' | 'declined' | 'timed-out' | 'accepted' | 'queued' | 'failed';
  detail?: string;
}

export interface ConferenceState {
  holderAgentId: string;
  guests: string[];
  invited: string | null;
  last: { status: string; agentId: string; detail?: string } | null;
}

export type Feedback = { text: string; kind: 'pending' | 'failed' | 'sent' | '' };

const REASON_LABELS: Readonly<Record<string, string>> = { break: 'Break', meeting: 'Meeting', training: 'Training', 'missed-offer': 'Missed offer' };

/** A not-ready reason code in words. */
export function reasonLabel(code: string): string {
  return REASON_LABELS[code] ?? code.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/**
 * What the top bar's status shows: the router's state alone, with its reason or the wrap-up's time left (on the
 * gateway's clock, `gatewayNow`). The control that changes it is elsewhere and never repeats it.
 */
export function presenceStatus(presence: Presence, gatewayNow: number): { state: string; label: string; reason: string; countdown: string | null } {
  switch (presence.state) {
    case 'ready':
      return { state: 'ready', label: 'Ready', reason: '', countdown: null };
    case 'not-ready':
      return {
        state: 'not-ready',
        label: presence.reason ? `Not ready (${reasonLabel(presence.reason).toLowerCase()})` : 'Not ready',
        reason: presence.reason ?? '',
        countdown: null,
      };
    case 'wrap-up': {
      const ends = presence.wrapUpEndsAt ? Date.parse(presence.wrapUpEndsAt) : NaN;
      const countdown = Number.isNaN(ends) ? null : `${Math.max(0, Math.round((ends - gatewayNow) / 1000))} s`;
      return { state: 'wrap-up', label: 'Wrap-up', reason: '', countdown };
    }
    default:
      return { state: 'offline', label: 'Offline', reason: '', countdown: null };
  }
}

/**
 * The controls beside the status: "Go ready" where going ready changes something (hidden while ready), and the
 * not-ready reasons (the current one preselected). Both wait while a change is on its way to the router.
 */
export function presenceControls(presence: Presence, pending: boolean, reasons: readonly string[]) {
  const ready = presence.state === 'ready';
  return {
    goReady: { hidden: ready, disabled: pending, label: presence.state === 'wrap-up' ? 'Go ready now' : 'Go ready' },
    notReady: {
      disabled: pending,
      value: presence.state === 'not-ready' && presence.reason && reasons.includes(presence.reason) ? presence.reason : '',
    },
  };
}

/**
 * The router's state from a GET or a push, unless it is older than what is shown (a GET sent before a push that
 * arrived first).
 */
export function nextPresence(shown: Presence, next: Presence): Presence {
  const shownSince = shown.since === null ? -Infinity : Date.parse(shown.since);
  if (next.since !== null && Date.parse(next.since) < shownSince) return shown;
  return {
    state: next.state,
    since: next.since,
    ...(next.reason === undefined ? {} : { reason: next.reason }),
    ...(next.wrapUpEndsAt === undefined ? {} : { wrapUpEndsAt: next.wrapUpEndsAt }),
  };
}

const STATE_WORDS: Readonly<Record<string, string>> = { ready: 'ready', 'not-ready': 'not ready', 'wrap-up': 'wrap-up', offline: 'offline' };

function withState(entry: RosterEntry): string {
  return `${entry.name} (${STATE_WORDS[entry.state] ?? entry.state})`;
}

function byName(roster: readonly RosterEntry[]): RosterEntry[] {
  return [...roster].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Whom a transfer may go to: the queue first, then colleagues by name with the router's state; an offline colleague
 * is listed but cannot be picked (the router would refuse: agent-offline).
 */
export function transferTargets(roster: readonly RosterEntry[]): PickerOption[] {
  return [
    { value: '', label: 'The queue (next free agent)', disabled: false },
    ...byName(roster).map((entry) => ({ value: entry.id, label: withState(entry), disabled: entry.state === 'offline' })),
  ];
}

/** Whom a consultation or a conference invitation may name: any colleague, or for a conference only those signed in. */
export function colleagueChoices(roster: readonly RosterEntry[], purpose: 'consult' | 'conference'): PickerOption[] {
  return [
    { value: '', label: 'Choose a colleague…', disabled: true },
    ...byName(roster).map((entry) => ({ value: entry.id, label: withState(entry), disabled: purpose === 'conference' && entry.state === 'offline' })),
  ];
}

/** The agent's choice while it is still allowed; otherwise the first option (the queue, or the placeholder). */
export function keepChoice(options: readonly PickerOption[], chosen: string): string {
  const keep = options.find((option) => option.value === chosen && !option.disabled);
  return keep ? keep.value : (options[0]?.value ?? '');
}

export type TransferEvent =
  | { type: 'sent'; toAgentId: string | null }
  | { type: 'refused'; detail: string }
  | Pick<TransferUpdateMessage, 'type' | 'status' | 'toAgentId'>
  | Pick<TransferredMessage, 'type' | 'toAgentId'>;

/**
 * A transfer's next state from the holder's point of view: the request sent, then the router's word on the socket
 * (`transfer-update` offered / declined / timed-out, `transferred` when accepted or queued).
 */
export function nextTransfer(previous: TransferState | undefined, event: TransferEvent): TransferState | undefined {
  switch (event.type) {
    case 'sent':
      return { toAgentId: event.toAgentId, status: 'sending' };
    case 'refused':
      return { toAgentId: previous?.toAgentId ?? null, status: 'failed', detail: event.detail };
    case 'transfer-update': {
      const status = event.status === 'offered' ? 'offered' : event.status === 'declined' ? 'declined' : 'timed-out';
      // A late 'offered' must not hide the answer that overtook it.
      if (status === 'offered' && previous && previous.toAgentId === event.toAgentId && (previous.status === 'declined' || previous.status === 'timed-out')) return previous;
      return { toAgentId: event.toAgentId, status };
    }
    case 'transferred':
      return { toAgentId: event.toAgentId ?? null, status: event.toAgentId ? 'accepted' : 'queued' };
    default:
      return previous;
  }
}

/** The transfer's state in words for the holder, and whether another transfer may be asked now. */
export function transferFeedback(transfer: TransferState | undefined, nameOf: (agentId: string) => string): Feedback & { busy: boolean } {
  if (!transfer) return { text: '', kind: '', busy: false };
  const who = transfer.toAgentId ? nameOf(transfer.toAgentId) : 'the queue';
  switch (transfer.status) {
    case 'sending':
      return { text: `Asking to transfer to ${who}…`, kind: 'pending', busy: true };
    case 'offered':
      return { text: `Offered to ${who}: waiting for an answer. It stays with you until they accept.`, kind: 'pending', busy: true };
    case 'declined':
      return { text: `${who} declined the transfer: it stays with you.`, kind: 'failed', busy: false };
    case 'timed-out':
      return { text: `${who} did not answer in time: it stays with you.`, kind: 'failed', busy: false };
    case 'accepted':
      return { text: `${who} accepted the transfer.`, kind: 'sent', busy: false };
    case 'queued':
      return { text: 'Transferred to the queue.', kind: 'sent', busy: false };
    default:
      return { text: `Not transferred: ${transfer.detail ?? 'refused'}`, kind: 'failed', busy: false };
  }
}

/** Why the gateway refused a transfer, in words (its 409 reason codes). */
export function transferRefusal(code: string | undefined, message: string): string {
  switch (code) {
    case 'agent-offline':
      return 'that colleague is offline.';
    case 'agent-at-capacity':
      return 'that colleague has no free capacity.';
    case 'transfer-pending':
      return 'a transfer is already waiting for an answer.';
    case 'transfer-to-self':
      return 'you already hold it.';
    case 'in-conference':
      return 'guests are in the conference: they leave, or you hand it over, first.';
    case 'invitation-pending':
      return 'an invitation to the conference is waiting for an answer.';
    default:
      return message;
  }
}

/** The colleague a consultation entry is with, seen from `myId`'s side. */
export function consultPeer(entry: ConsultationEntry, myId: string): string {
  return entry.fromAgentId === myId ? entry.withAgentId : entry.fromAgentId;
}

/**
 * Adds a consultation entry to the threads kept for the interactions this agent does not hold (one per interaction
 * and colleague), once (by entryId), in time order; the thread with the newest entry comes first.
 */
export function addToThreads(threads: readonly ConsultThread[], interactionId: string, entry: ConsultationEntry, myId: string): ConsultThread[] {
  const peerId = consultPeer(entry, myId);
  const existing = threads.find((t) => t.interactionId === interactionId && t.peerId === peerId);
  const entries = existing ? [...existing.entries.filter((e) => e.entryId !== entry.entryId), entry] : [entry];
  entries.sort((a, b) => a.at - b.at || (a.entryId < b.entryId ? -1 : 1));
  const updated = { interactionId, peerId, entries };
  const others = threads.filter((t) => t !== existing);
  return [updated, ...others].sort((a, b) => lastAt(b) - lastAt(a));
}

function lastAt(thread: ConsultThread): number {
  return thread.entries.length ? (thread.entries[thread.entries.length - 1]?.at ?? 0) : 0;
}

/**
 * A transcript in two: what the customer's conversation shows, and the internal consultation entries (agents only,
 * never sent to X), which the consult panel shows instead.
 */
export function splitTranscript<E extends { kind: string }>(transcript: readonly E[]): { conversation: E[]; internal: Extract<E, { kind: 'consultation' }>[] } {
  return {
    conversation: transcript.filter((entry) => entry.kind !== 'consultation'),
    internal: transcript.filter((entry): entry is Extract<E, { kind: 'consultation' }> => entry.kind === 'consultation'),
  };
}

/** Who the holder's consultation box writes to: the colleague picked, else the one who wrote last. */
export function consultRecipient(internal: readonly ConsultationEntry[], picked: string, myId: string): string {
  if (picked) return picked;
  const last = internal[internal.length - 1];
  return last ? consultPeer(last, myId) : '';
}

export type ConferenceEvent =
  | Pick<ConferenceUpdateMessage, 'type' | 'status' | 'agentId' | 'holderAgentId' | 'guests' | 'reason'>
  | { type: 'invite-sent'; agentId: string; holderAgentId: string }
  | { type: 'invite-refused'; agentId: string; detail: string; holderAgentId: string };

/**
 * A conference's next state: the holder's invitation sent or refused (local), then the router's word on the socket
 * (`conference-update`: invited, joined, declined, timed-out, left, handed-over, with the guests after it).
 */
export function nextConference(previous: ConferenceState | undefined, event: ConferenceEvent): ConferenceState {
  const base: ConferenceState = previous ?? { holderAgentId: event.holderAgentId, guests: [], invited: null, last: null };
  if (event.type === 'invite-sent') return { ...base, invited: event.agentId, last: { status: 'sending', agentId: event.agentId } };
  if (event.type === 'invite-refused') return { ...base, invited: null, last: { status: 'failed', agentId: event.agentId, detail: event.detail } };
  const answered = event.status !== 'invited' && base.invited === event.agentId;
  return {
    holderAgentId: event.holderAgentId,
    guests: [...event.guests],
    invited: event.status === 'invited' ? event.agentId : answered ? null : base.invited,
    last: { status: event.status, agentId: event.agentId, ...(event.reason === undefined ? {} : { detail: event.reason }) },
  };
}

/** The conference's last change in words, for whoever reads it (`myId`). */
export function conferenceFeedback(conference: ConferenceState | undefined, myId: string, nameOf: (agentId: string) => string): Feedback {
  const last = conference?.last;
  if (!conference || !last) return { text: '', kind: '' };
  const who = last.agentId === myId ? 'You' : nameOf(last.agentId);
  switch (last.status) {
    case 'sending':
      return { text: `Inviting ${who}…`, kind: 'pending' };
    case 'invited':
      return { text: `Invitation sent to ${who}: waiting for an answer.`, kind: 'pending' };
    case 'joined':
      return { text: last.agentId === myId ? `You joined ${nameOf(conference.holderAgentId)}'s conference.` : `${who} joined the conference.`, kind: 'sent' };
    case 'declined':
      return { text: `${who} declined the invitation.`, kind: 'failed' };
    case 'timed-out':
      return { text: `${who} did not answer the invitation in time.`, kind: 'failed' };
    case 'left':
      return { text: `${who} left the conference.`, kind: '' };
    case 'handed-over':
      return { text: last.agentId === myId ? 'It was handed over to you: you hold it now.' : `Handed over to ${who}.`, kind: 'sent' };
    default:
      return { text: `Not invited: ${last.detail ?? 'refused'}`, kind: 'failed' };
  }
}

/** This agent's part in an interaction it sees: the holder (the view names it), else a conference guest. */
export function conferenceRole(view: { agentId: string | null }, conference: ConferenceState | undefined, myId: string): 'holder' | 'guest' {
  if (conference) return conference.holderAgentId === myId ? 'holder' : 'guest';
  return view.agentId === myId ? 'holder' : 'guest';
}

/**
 * What a conference update means for this desktop: 'drop' the interaction (it left, or handed it over and is out),
 * 'hold' it (handed over to it), or 'keep' it as it is.
 */
export function conferenceOutcome(update: Pick<ConferenceUpdateMessage, 'status' | 'agentId' | 'guests'>, myId: string): 'drop' | 'hold' | 'keep' {
  if (update.status === 'left' && update.agentId === myId) return 'drop';
  if (update.status === 'handed-over') {
    if (update.agentId === myId) return 'hold';
    if (!update.guests.includes(myId)) return 'drop';
  }
  return 'keep';
}

/** What an offer's toast says it is: new work, a colleague's transfer or a conference invitation, with their note. */
export function offerHeading(
  offer: Pick<OfferMessage, 'transfer' | 'conference' | 'messageKind'>,
  nameOf: (agentId: string) => string,
): { kind: 'new' | 'transfer' | 'conference'; title: string; note: string | null; accept: string } {
  if (offer.conference) {
    const reason = offer.conference.reason ?? '';
    return { kind: 'conference', title: `Conference invitation from ${nameOf(offer.conference.fromAgentId)}`, note: reason ? `Note: ${reason}` : null, accept: 'Join' };
  }
  // Read again after a reload, an offer carries no reason (only its push did).
  if (offer.transfer) {
    const reason = offer.transfer.reason ?? '';
    return { kind: 'transfer', title: `Transfer from ${nameOf(offer.transfer.fromAgentId)}`, note: reason ? `Reason: ${reason}` : null, accept: 'Accept' };
  }
  return { kind: 'new', title: offer.messageKind === 'dm' ? 'New direct message' : 'New tweet', note: null, accept: 'Accept' };
}

/** Why the gateway refused an invitation, in words (its 409 reason codes). */
export function conferenceRefusal(code: string | undefined, message: string): string {
  switch (code) {
    case 'agent-offline':
      return 'that colleague is offline.';
    case 'agent-at-capacity':
      return 'that colleague has no free capacity for this channel.';
    case 'already-in-conference':
      return 'they are already in the conference.';
    case 'conference-full':
      return 'the conference is full.';
    case 'invitation-pending':
      return 'an invitation is already waiting for an answer.';
    case 'transfer-pending':
      return 'a transfer is waiting for an answer.';
    case 'invite-self':
      return 'you are already in it.';
    default:
      return message;
  }
}

/**
 * Why Mark done cannot go yet, checked as the gateway will check it (it answers 400 naming the field otherwise): a
 * disposition where the brand requires one, a note not blank when given and within the limit. Null: it may go.
 */
export function doneRefusal(input: { required: boolean; brand: string; disposition: string; note: string; noteMaxLength: number }): { field: 'disposition' | 'note'; message: string } | null {
  if (input.required && !input.disposition) return { field: 'disposition', message: `Choose a disposition: @${input.brand} requires one before done.` };
  if (input.note !== '' && input.note.trim() === '') return { field: 'note', message: 'The note is blank: write it, or leave it empty.' };
  if ([...input.note].length > input.noteMaxLength) return { field: 'note', message: `The note is too long: ${[...input.note].length} of ${input.noteMaxLength} characters.` };
  return null;
}
