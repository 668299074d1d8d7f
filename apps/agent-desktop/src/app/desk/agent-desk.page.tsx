import type {
  AgentPresenceView,
  ActionOutcomeMessage,
  CommandAccepted,
  CustomerProfile,
  DeskConfig,
  InteractionView,
  OfferDecisionRequest,
  OfferMessage,
  PresenceRequest,
  RosterEntry,
  ServerMessage,
} from '@perch/desktop-api';
import { type ReactNode, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';

import { ApiError, errorText } from '../core/api-client.adapter';
import { useAgent, useServerMessages, useSession } from '../core/session.hook';
import { readSaved, writeSaved } from '../core/session-storage.util';
import { TopBar } from '../core/top-bar.component';
import { deskReducer, holds, initialDesk, type Notice } from './desk-reducer.domain';
import { type ConsultThread, conferenceFeedback, conferenceOutcome, nextTransfer, transferFeedback } from './desk-state.domain';
import { type Desk, type DeskActions, DeskContext } from './desk.hook';
import { InteractionList } from './interaction-list.component';
import { InteractionPanel } from './interaction-panel.component';
import { NewPostButton } from './new-post-dialog.component';
import { useOfferAlerts } from './offer-alerts.hook';
import { PresenceControls } from './presence-controls.component';
import { SideColumn } from './side-column.component';

const NOTICE_MS = 6_000;
const THREADS_KEY = 'consultations';

/** The agent's desk: offers, the interactions held, the conversation and every action on it. */
export function AgentDeskPage(): ReactNode {
  const { api } = useSession();
  const agent = useAgent();
  // Colleagues' threads outlive a reload (for this agent only; sign-out clears them): read before the first render.
  const [state, dispatch] = useReducer(deskReducer, agent.id, (me: string) => ({ ...initialDesk(me), consultThreads: savedThreads(me) }));
  const latest = useRef(state);
  latest.current = state;
  const alerts = useOfferAlerts();
  const [config, setConfig] = useState<DeskConfig | null>(null);

  useEffect(() => {
    api
      .get<DeskConfig>('/api/config')
      .then(setConfig)
      .catch(() => setConfig(null));
  }, [api]);

  const notify = useCallback((text: string, kind: Notice['kind'], commandId?: string) => dispatch({ type: 'notice', text, kind, ...(commandId ? { commandId } : {}) }), []);

  const loadRoster = useCallback(async () => {
    dispatch({ type: 'roster', roster: await api.get<RosterEntry[]>('/api/agents/roster') });
  }, [api]);

  const loadProfile = useCallback(
    async (interactionId: string, fresh: boolean) => {
      try {
        const profile = await api.get<CustomerProfile>(`/api/interactions/${interactionId}/customer${fresh ? '?refresh=true' : ''}`);
        dispatch({ type: 'profile', interactionId, profile });
      } catch (e) {
        dispatch({ type: 'profile', interactionId, profile: { error: errorText(e) } });
      }
    },
    [api],
  );

  /**
   * What the router and the gateway hold now: presence, pending offers, open interactions. On sign-in, on reload and
   * after every reconnect (the socket's hello).
   */
  const resync = useCallback(async () => {
    const shownBefore = latest.current.offers.map((o) => o.interactionId);
    const openBefore = latest.current.interactions.map((v) => v.id);
    // Colleagues' names for transfer toasts and consultation notices, which can arrive before any interaction is open.
    loadRoster().catch(() => undefined);
    try {
      const [presence, offers, interactions] = await Promise.all([
        api.get<AgentPresenceView>('/api/agents/me/presence'),
        api.get<OfferMessage[]>('/api/agents/me/offers'),
        api.get<InteractionView[]>('/api/interactions'),
      ]);
      dispatch({ type: 'resynced', presence, offers, interactions, now: Date.now(), shownBefore, openBefore });
    } catch (e) {
      // 401 has already signed out; anything else (503 while Redis restarts) is retried on the socket's next hello.
      notify(`Could not read your state: ${errorText(e)}`, 'failed');
    }
  }, [api, loadRoster, notify]);

  const askPresence = useCallback(
    async (presence: 'ready' | 'not-ready', reason?: string) => {
      dispatch({ type: 'presence-pending', pending: true });
      try {
        await api.put<CommandAccepted>('/api/agents/me/presence', { state: presence, ...(reason ? { reason } : {}) } satisfies PresenceRequest);
        // The router's answer arrives as a push; should it not come (the socket down), the next resync shows its state.
        setTimeout(() => dispatch({ type: 'presence-pending', pending: false }), 5_000);
      } catch (e) {
        dispatch({ type: 'presence-pending', pending: false });
        notify(`Could not change your status: ${errorText(e)}`, 'failed');
      }
    },
    [api, notify],
  );

  const decide = useCallback(
    async (offer: OfferMessage, decision: 'accept' | 'decline') => {
      await api.post<CommandAccepted>(`/api/interactions/${offer.interactionId}/${decision}`, { offerId: offer.offerId } satisfies OfferDecisionRequest);
      // Accepting: the interaction opens when the router confirms (interaction-accepted on the socket).
      if (decision === 'decline') dispatch({ type: 'offer-gone', interactionId: offer.interactionId });
    },
    [api],
  );

  /**
   * An interaction pushed without its history (the gateway could not read its store): read again, waiting longer each
   * time (1 s doubling to 15 s), until the store answers or this desktop no longer holds it; 403 or 404 (no longer
   * ours) end it.
   */
  const readAgain = useCallback(
    async (interactionId: string) => {
      for (let attempt = 0; ; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** attempt, 15_000)));
        if (!latest.current.incomplete.includes(interactionId)) return;
        try {
          dispatch({ type: 'view-read', interaction: await api.get<InteractionView>(`/api/interactions/${interactionId}`) });
          // The customer's card and DM eligibility were read from the same store: read them again too.
          void loadProfile(interactionId, false);
          return;
        } catch (e) {
          if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 401)) return;
        }
      }
    },
    [api, loadProfile],
  );

  const nameOf = useCallback(
    (agentId: string) => (agentId === agent.id ? 'You' : (state.roster.find((entry) => entry.id === agentId)?.name ?? agentId)),
    [agent.id, state.roster],
  );

  const onActionOutcome = useCallback(
    (message: ActionOutcomeMessage) => {
      const entry = message.entry;
      // X answered: the action's "Posting…" goes (or is never shown), whether the transcript or a notice now says how it went.
      dispatch({ type: 'command-settled', commandId: entry.commandId });
      if (message.interactionId) {
        dispatch({ type: 'entry', interactionId: message.interactionId, entry });
        if ((entry.action === 'follow' || entry.action === 'unfollow') && entry.status !== 'waiting') void loadProfile(message.interactionId, true);
        return;
      }
      // A post made outside any interaction is announced on its own.
      if (entry.status === 'waiting') notify(`Post waiting for X: trying again at ${new Date(entry.retryAt ?? Date.now()).toLocaleTimeString()}`, 'pending');
      else notify(entry.status === 'sent' ? `Posted on X (tweet ${entry.tweetId})` : `Post not published: ${entry.failure?.detail ?? 'X refused it'}`, entry.status === 'sent' ? 'sent' : 'failed');
    },
    [loadProfile, notify],
  );

  const onPush = useCallback(
    (message: ServerMessage) => {
      const now = latest.current;
      const panelShows = (interactionId: string, panel: 'transfer' | 'consult' | 'conference'): boolean => interactionId === now.currentId && now.panel === panel;
      switch (message.type) {
        case 'hello':
          void resync();
          break;
        case 'presence':
          dispatch({ type: 'presence-pushed', presence: message });
          break;
        case 'offer':
          dispatch({ type: 'offer', offer: message });
          alerts.alert(message);
          break;
        case 'offer-rescinded':
        case 'offer-timed-out':
          dispatch({ type: 'offer-gone', interactionId: message.interactionId });
          break;
        case 'interaction-accepted':
          dispatch({
            type: 'accepted',
            interaction: message.interaction,
            ...(message.conference ? { conference: message.conference } : {}),
            ...(message.incomplete === true ? { incomplete: true } : {}),
          });
          if (message.incomplete === true) void readAgain(message.interaction.id);
          break;
        case 'message-added':
          dispatch({ type: 'entry', interactionId: message.interactionId, entry: message.entry });
          break;
        case 'classification-corrected':
          dispatch({ type: 'corrected', interactionId: message.interactionId, correction: message.correction });
          break;
        case 'action-sent':
        case 'action-failed':
        case 'action-waiting':
          onActionOutcome(message);
          break;
        case 'completed':
          dispatch({ type: 'completed', interactionId: message.interactionId });
          break;
        case 'consultation-added': {
          const entry = message.entry;
          dispatch({ type: 'consultation', interactionId: message.interactionId, entry });
          if (holds(now, message.interactionId) && entry.fromAgentId !== now.me) {
            // A colleague's answer about the open interaction shows at once unless another panel is in use.
            if (message.interactionId === now.currentId && now.panel === null) dispatch({ type: 'panel', panel: 'consult' });
            else if (!panelShows(message.interactionId, 'consult')) notify(`${nameOf(entry.fromAgentId)} answered (internal): ${entry.text}`, 'pending');
          }
          break;
        }
        case 'transfer-update':
          // A transfer to a named agent: still ours while offered, and again once declined or timed out.
          dispatch({ type: 'transfer', interactionId: message.interactionId, event: message });
          if (message.status !== 'offered' && !panelShows(message.interactionId, 'transfer')) {
            notify(transferFeedback(nextTransfer(now.transfers[message.interactionId], message), nameOf).text, 'failed');
          }
          break;
        case 'transferred': {
          // Accepted by the colleague, or handed back to the queue: it leaves this desktop like a completed one.
          const outcome = transferFeedback(nextTransfer(now.transfers[message.interactionId], message), nameOf);
          if (now.interactions.some((v) => v.id === message.interactionId)) notify(outcome.text, 'sent');
          dispatch({ type: 'completed', interactionId: message.interactionId });
          break;
        }
        case 'conference-update': {
          const outcome = conferenceOutcome(message, now.me);
          const feedback = conferenceFeedback({ holderAgentId: message.holderAgentId, guests: message.guests, invited: null, last: { status: message.status, agentId: message.agentId } }, now.me, nameOf);
          if (outcome === 'drop') {
            notify(message.status === 'left' ? 'You left the conference.' : feedback.text, 'sent');
            dispatch({ type: 'completed', interactionId: message.interactionId });
            break;
          }
          dispatch({ type: 'conference', interactionId: message.interactionId, update: message });
          if (outcome === 'hold') notify(feedback.text, 'sent');
          else if (message.agentId !== now.me && message.status !== 'invited' && !panelShows(message.interactionId, 'conference')) {
            notify(feedback.text, feedback.kind === 'failed' ? 'failed' : 'sent');
          }
          break;
        }
        default:
          break;
      }
    },
    [alerts, nameOf, notify, onActionOutcome, readAgain, resync],
  );
  useServerMessages(onPush);

  // On arrival (sign-in, reload, back from another page): read everything again; each hello does the same.
  useEffect(() => {
    void resync();
  }, [resync]);

  // Notices leave by themselves.
  const scheduled = useRef(new Set<number>());
  useEffect(() => {
    for (const notice of state.notices) {
      if (scheduled.current.has(notice.id)) continue;
      scheduled.current.add(notice.id);
      setTimeout(() => {
        scheduled.current.delete(notice.id);
        dispatch({ type: 'notice-gone', id: notice.id });
      }, NOTICE_MS);
    }
  }, [state.notices]);

  // The customer's relation to the brand, asked of X whenever an interaction is opened.
  useEffect(() => {
    if (state.currentId) void loadProfile(state.currentId, false);
  }, [state.currentId, loadProfile]);

  useEffect(() => {
    writeSaved(THREADS_KEY, { agentId: agent.id, threads: state.consultThreads });
  }, [agent.id, state.consultThreads]);

  const actions = useMemo<DeskActions>(() => ({ askPresence, decide, loadProfile, loadRoster, notify }), [askPresence, decide, loadProfile, loadRoster, notify]);
  const desk = useMemo<Desk>(() => ({ state, dispatch, actions, config, nameOf }), [state, actions, config, nameOf]);

  return (
    <DeskContext.Provider value={desk}>
      <TopBar>
        <PresenceControls />
        <NewPostButton />
      </TopBar>
      <main id="main">
        <section className="workspace">
          <InteractionList />
          <div className="stage">
            <InteractionPanel />
          </div>
          <SideColumn alerts={alerts} />
        </section>
      </main>
    </DeskContext.Provider>
  );
}

function savedThreads(me: string): ConsultThread[] {
  const saved = readSaved(THREADS_KEY, isSavedThreads);
  return saved && saved.agentId === me ? saved.threads : [];
}

function isSavedThreads(value: unknown): value is { agentId: string; threads: ConsultThread[] } {
  return typeof value === 'object' && value !== null && 'agentId' in value && 'threads' in value && Array.isArray((value as { threads: unknown }).threads);
}
