import type {
  AgentActionEntry,
  AgentPresenceView,
  ClassificationCorrection,
  ConferenceUpdateMessage,
  ConsultationEntry,
  CustomerMessageEntry,
  CustomerProfile,
  InteractionView,
  OfferMessage,
  PresenceMessage,
  RosterEntry,
  TranscriptEntry,
} from '@perch/desktop-api';

import {
  addToThreads,
  type ConferenceState,
  type ConsultThread,
  conferenceRole,
  nextConference,
  nextPresence,
  nextTransfer,
  type Presence,
  type TransferEvent,
  type TransferState,
} from './desk-state.domain';

// The agent desk's whole state and how each event changes it: one pure reducer (React's useReducer runs it), tested
// with Vitest. Fetches, timers and the socket live in the page; they only dispatch these actions.

export type Channel = 'reply' | 'dm';
export type Panel = 'transfer' | 'consult' | 'conference' | null;
export type ProfileState = CustomerProfile | { error: string };

export interface Notice {
  id: number;
  text: string;
  kind: 'pending' | 'sent' | 'failed';
  /** A "Posting…" notice: X's answer to this command replaces it. */
  commandId?: string;
}

/** The agent asked to reach the customer on another channel (an address or number clicked, or "Email instead"). */
export interface ReachRequest {
  interactionId: string;
  channel: 'email' | 'call';
  /** The address or number clicked; empty: the contact's own. */
  address: string;
  /** Tells one click from the next on the same address. */
  seq: number;
}

export interface DeskState {
  /** The signed-in agent's id. */
  me: string;
  presence: Presence;
  /** A presence change asked for and not yet confirmed by the router. */
  presencePending: boolean;
  reasons: string[];
  /** The gateway's clock minus ours (ms), for the wrap-up countdown. */
  clockSkew: number;
  /** Offers waiting for an answer, in arrival order. */
  offers: OfferMessage[];
  /** Open interactions (held, or a guest of their conference), most recent first. */
  interactions: InteractionView[];
  currentId: string | null;
  channel: Channel;
  panel: Panel;
  profiles: Readonly<Record<string, ProfileState>>;
  transfers: Readonly<Record<string, TransferState>>;
  conferences: Readonly<Record<string, ConferenceState>>;
  /** Colleagues' consultations about interactions this agent does not hold. */
  consultThreads: ConsultThread[];
  roster: RosterEntry[];
  notices: Notice[];
  nextNoticeId: number;
  /**
   * Commands X has already answered (the latest few): the answer can reach the socket before the REST call that sent
   * the command returns, so a "Posting…" made after it would stay up after the transcript said how it went.
   */
  settledCommands: string[];
  reach: ReachRequest | null;
  /** Interactions pushed without their history (the gateway could not read its store): read again until it answers. */
  incomplete: readonly string[];
}

export type DeskAction =
  | { type: 'resynced'; presence: AgentPresenceView; offers: OfferMessage[]; interactions: InteractionView[]; now: number; shownBefore: readonly string[]; openBefore: readonly string[] }
  | { type: 'presence-pushed'; presence: PresenceMessage }
  | { type: 'presence-pending'; pending: boolean }
  | { type: 'offer'; offer: OfferMessage }
  | { type: 'offer-gone'; interactionId: string }
  | { type: 'accepted'; interaction: InteractionView; conference?: { holderAgentId: string; guests: string[] }; incomplete?: boolean }
  | { type: 'view-read'; interaction: InteractionView }
  | { type: 'entry'; interactionId: string; entry: TranscriptEntry }
  | { type: 'corrected'; interactionId: string; correction: ClassificationCorrection }
  | { type: 'completed'; interactionId: string }
  | { type: 'open'; interactionId: string }
  | { type: 'channel'; channel: Channel }
  | { type: 'panel'; panel: Panel }
  | { type: 'profile'; interactionId: string; profile: ProfileState }
  | { type: 'transfer'; interactionId: string; event: TransferEvent }
  | { type: 'conference'; interactionId: string; update: ConferenceUpdateMessage }
  | { type: 'conference-local'; interactionId: string; event: { type: 'invite-sent'; agentId: string } | { type: 'invite-refused'; agentId: string; detail: string } }
  | { type: 'consultation'; interactionId: string; entry: ConsultationEntry }
  | { type: 'thread-dismissed'; interactionId: string; peerId: string }
  | { type: 'roster'; roster: RosterEntry[] }
  | { type: 'notice'; text: string; kind: Notice['kind']; commandId?: string }
  | { type: 'notice-gone'; id: number }
  /** X answered this command: its "Posting…" goes, and one made later is never shown. */
  | { type: 'command-settled'; commandId: string }
  | { type: 'reach'; interactionId: string; channel: 'email' | 'call'; address: string };

/** Enough for the commands one agent can have answered while their REST calls are still on the way back. */
const SETTLED_COMMANDS_KEPT = 50;

export function initialDesk(me: string): DeskState {
  return {
    me,
    presence: { state: 'offline', since: null },
    presencePending: false,
    reasons: [],
    clockSkew: 0,
    offers: [],
    interactions: [],
    currentId: null,
    channel: 'reply',
    panel: null,
    profiles: {},
    transfers: {},
    conferences: {},
    consultThreads: [],
    roster: [],
    notices: [],
    nextNoticeId: 1,
    settledCommands: [],
    reach: null,
    incomplete: [],
  };
}

export function deskReducer(state: DeskState, action: DeskAction): DeskState {
  switch (action.type) {
    case 'resynced':
      return resynced(state, action);
    case 'presence-pushed':
      return { ...state, presence: nextPresence(state.presence, action.presence), presencePending: false };
    case 'presence-pending':
      return { ...state, presencePending: action.pending };
    case 'offer':
      return { ...state, offers: [...state.offers.filter((o) => o.interactionId !== action.offer.interactionId), action.offer] };
    case 'offer-gone':
      return withoutOffer(state, action.interactionId);
    case 'accepted': {
      const next = accepted(state, action.interaction, action.conference);
      const others = state.incomplete.filter((id) => id !== action.interaction.id);
      return { ...next, incomplete: action.incomplete === true ? [...others, action.interaction.id] : others };
    }
    case 'view-read':
      return viewRead(state, action.interaction);
    case 'entry':
      return mapView(state, action.interactionId, (view) => ({ ...view, transcript: upsertEntry(view.transcript, action.entry) }));
    case 'corrected':
      return mapView(state, action.interactionId, (view) => ({ ...view, classificationCorrection: action.correction }));
    case 'completed':
      return completed(state, action.interactionId);
    case 'open':
      return open(state, action.interactionId);
    case 'channel':
      return { ...state, channel: action.channel };
    case 'panel':
      return { ...state, panel: action.panel };
    case 'profile': {
      const next = { ...state, profiles: { ...state.profiles, [action.interactionId]: action.profile } };
      // X says no DM: the composer goes back to a public reply.
      const blocked = 'canDm' in action.profile && !action.profile.canDm;
      return blocked && action.interactionId === state.currentId && state.channel === 'dm' ? { ...next, channel: 'reply' } : next;
    }
    case 'transfer': {
      const transfer = nextTransfer(state.transfers[action.interactionId], action.event);
      const { [action.interactionId]: _dropped, ...rest } = state.transfers;
      return { ...state, transfers: transfer ? { ...rest, [action.interactionId]: transfer } : rest };
    }
    case 'conference':
      return conferenceUpdated(state, action.update);
    case 'conference-local':
      return {
        ...state,
        conferences: {
          ...state.conferences,
          [action.interactionId]: nextConference(state.conferences[action.interactionId], { ...action.event, holderAgentId: state.me }),
        },
      };
    case 'consultation':
      return consultation(state, action.interactionId, action.entry);
    case 'thread-dismissed':
      return { ...state, consultThreads: state.consultThreads.filter((t) => !(t.interactionId === action.interactionId && t.peerId === action.peerId)) };
    case 'roster':
      return { ...state, roster: action.roster };
    case 'notice': {
      if (action.commandId && state.settledCommands.includes(action.commandId)) return state;
      const notice: Notice = { id: state.nextNoticeId, text: action.text, kind: action.kind, ...(action.commandId ? { commandId: action.commandId } : {}) };
      return { ...state, notices: [...state.notices, notice], nextNoticeId: state.nextNoticeId + 1 };
    }
    case 'notice-gone':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
    case 'command-settled':
      return {
        ...state,
        notices: state.notices.filter((n) => n.commandId !== action.commandId),
        settledCommands: [...state.settledCommands.slice(-(SETTLED_COMMANDS_KEPT - 1)), action.commandId],
      };
    case 'reach':
      return { ...state, reach: { interactionId: action.interactionId, channel: action.channel, address: action.address, seq: (state.reach?.seq ?? 0) + 1 } };
    default:
      return state;
  }
}

/** The interaction shown, if any. */
export function currentView(state: DeskState): InteractionView | null {
  return state.interactions.find((v) => v.id === state.currentId) ?? null;
}

/** Whether this agent holds the interaction (not merely a guest of its conference). */
export function holds(state: DeskState, interactionId: string): boolean {
  const view = state.interactions.find((v) => v.id === interactionId);
  return Boolean(view && conferenceRole(view, state.conferences[interactionId], state.me) === 'holder');
}

/** The latest customer message's kind: a DM conversation is answered by DM. */
export function latestCustomerKind(view: InteractionView | null): string | undefined {
  const customer = (view?.transcript ?? []).filter((e): e is CustomerMessageEntry => e.kind === 'customer-message');
  return customer.length ? customer[customer.length - 1]?.messageKind : view?.firstMessage?.kind;
}

/** An entry in its place (by `at`, then id); an agent action's status never goes back (pending < waiting < final). */
export function upsertEntry(transcript: readonly TranscriptEntry[], entry: TranscriptEntry): TranscriptEntry[] {
  const existing = transcript.find((e) => e.entryId === entry.entryId);
  if (existing && existing.kind === 'agent-action' && entry.kind === 'agent-action' && rank(entry) < rank(existing)) return [...transcript];
  const merged = existing ? { ...entry, at: existing.at } : entry;
  return [...transcript.filter((e) => e.entryId !== entry.entryId), merged].sort((a, b) => a.at - b.at || (a.entryId < b.entryId ? -1 : 1));
}

function rank(entry: AgentActionEntry): number {
  return entry.status === 'pending' ? -1 : entry.status === 'waiting' ? 0 : 1;
}

function withoutOffer(state: DeskState, interactionId: string): DeskState {
  return state.offers.some((o) => o.interactionId === interactionId) ? { ...state, offers: state.offers.filter((o) => o.interactionId !== interactionId) } : state;
}

function mapView(state: DeskState, id: string, change: (view: InteractionView) => InteractionView): DeskState {
  if (!state.interactions.some((v) => v.id === id)) return state;
  return { ...state, interactions: state.interactions.map((v) => (v.id === id ? change(v) : v)) };
}

function open(state: DeskState, id: string): DeskState {
  const view = state.interactions.find((v) => v.id === id);
  if (!view) return state;
  if (state.currentId === id) return state;
  // The panels under the toolbar belong to the interaction they were opened on; a DM conversation is answered by DM.
  return { ...state, currentId: id, panel: null, channel: latestCustomerKind(view) === 'dm' ? 'dm' : 'reply' };
}

/**
 * What the router and the gateway hold now, read again on sign-in, reload and every reconnect: whatever was pushed
 * while the page was away is read, never guessed. Only toasts shown before the reads may be dropped (an offer pushed
 * while they were on their way is newer), and only interactions open before them.
 */
function resynced(state: DeskState, action: Extract<DeskAction, { type: 'resynced' }>): DeskState {
  const pending = new Set(action.offers.map((o) => o.interactionId));
  const shownBefore = new Set(action.shownBefore);
  const kept = state.offers.filter((o) => pending.has(o.interactionId) || !shownBefore.has(o.interactionId));
  const offers = [...kept];
  for (const offer of action.offers) {
    const at = offers.findIndex((o) => o.interactionId === offer.interactionId);
    // A toast already shown for the same offer stays as it is (the agent may have just clicked it).
    if (at < 0) offers.push(offer);
    else if (offers[at]?.offerId !== offer.offerId) offers[at] = offer;
  }
  const fresh = new Map(action.interactions.map((v) => [v.id, v]));
  const openBefore = new Set(action.openBefore);
  const stillOpen = state.interactions.filter((v) => !fresh.has(v.id) && !openBefore.has(v.id));
  const interactions = [...action.interactions, ...stillOpen];
  const conferences = { ...state.conferences };
  for (const view of action.interactions) {
    // Read again after a reload: a view held by someone else is a conference this agent is a guest of.
    if (!conferences[view.id] && view.agentId !== null && view.agentId !== state.me) {
      conferences[view.id] = { holderAgentId: view.agentId, guests: [state.me], invited: null, last: null };
    }
  }
  let currentId = state.currentId && interactions.some((v) => v.id === state.currentId) ? state.currentId : null;
  let channel = state.channel;
  if (currentId === null) {
    const first = interactions.find((v) => v.state === 'active');
    if (first) {
      currentId = first.id;
      channel = latestCustomerKind(first) === 'dm' ? 'dm' : 'reply';
    }
  }
  return {
    ...state,
    presence: nextPresence(state.presence, { state: action.presence.state, since: action.presence.since, reason: action.presence.reason, wrapUpEndsAt: action.presence.wrapUpEndsAt }),
    presencePending: false,
    reasons: action.presence.reasons,
    clockSkew: Date.parse(action.presence.at) - action.now,
    offers,
    interactions,
    conferences,
    currentId,
    channel,
    panel: currentId === state.currentId ? state.panel : null,
    // Read whole just now: none of these needs reading again.
    incomplete: state.incomplete.filter((id) => !fresh.has(id)),
  };
}

/** An offer accepted: new work, a transfer, or a conference joined as a guest (`conference` names the holder). */
function accepted(state: DeskState, view: InteractionView, conference?: { holderAgentId: string; guests: string[] }): DeskState {
  const base = withoutOffer(state, view.id);
  const conferences = { ...base.conferences };
  if (conference) {
    conferences[view.id] = { holderAgentId: conference.holderAgentId, guests: [...conference.guests], invited: null, last: { status: 'joined', agentId: state.me } };
  } else {
    delete conferences[view.id];
  }
  const interactions = [view, ...base.interactions.filter((v) => v.id !== view.id)];
  return open({ ...base, interactions, conferences, currentId: null }, view.id);
}

/**
 * The view read again after an incomplete push: it replaces the one shown (still held), keeping the entries pushed
 * meanwhile that the read does not hold yet.
 */
function viewRead(state: DeskState, read: InteractionView): DeskState {
  const next = mapView(state, read.id, (shown) => ({ ...read, transcript: shown.transcript.reduce(upsertEntry, read.transcript) }));
  return { ...next, incomplete: state.incomplete.filter((id) => id !== read.id) };
}

function completed(state: DeskState, id: string): DeskState {
  const base = withoutOffer(state, id);
  const { [id]: _t, ...transfers } = base.transfers;
  const { [id]: _c, ...conferences } = base.conferences;
  const { [id]: _p, ...profiles } = base.profiles;
  const current = base.currentId === id;
  return {
    ...base,
    transfers,
    conferences,
    profiles,
    interactions: base.interactions.filter((v) => v.id !== id),
    incomplete: base.incomplete.filter((other) => other !== id),
    currentId: current ? null : base.currentId,
    panel: current ? null : base.panel,
  };
}

function conferenceUpdated(state: DeskState, update: ConferenceUpdateMessage): DeskState {
  const id = update.interactionId;
  const conference = nextConference(state.conferences[id], update);
  const next = { ...state, conferences: { ...state.conferences, [id]: conference } };
  if (update.status === 'handed-over' && update.agentId === state.me) return mapView(next, id, (view) => ({ ...view, agentId: state.me }));
  return next;
}

/**
 * A consultation entry pushed to this agent: into the held interaction's transcript (its consult panel shows it), or
 * into the threads about interactions a colleague holds and asked this agent about (the side column's inbox).
 */
function consultation(state: DeskState, interactionId: string, entry: ConsultationEntry): DeskState {
  const withEntry = mapView(state, interactionId, (view) => ({ ...view, transcript: upsertEntry(view.transcript, entry) }));
  if (holds(state, interactionId)) return withEntry;
  return { ...withEntry, consultThreads: addToThreads(withEntry.consultThreads, interactionId, entry, state.me) };
}
