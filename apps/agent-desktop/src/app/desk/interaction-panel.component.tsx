import type { CommandAccepted, InteractionView } from '@perch/desktop-api';
import { type ReactNode } from 'react';

import { errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { Classification } from './classification.component';
import { CollabPanels } from './collab-panels.component';
import { ContactPanel } from './contact-panel.component';
import { CustomerHistory } from './customer-history.component';
import { Composer } from './composer.component';
import { CustomerCard } from './customer-card.component';
import { currentView, type Panel } from './desk-reducer.domain';
import { conferenceRole, presenceStatus, splitTranscript } from './desk-state.domain';
import { useDesk } from './desk.hook';
import { DoneForm } from './done-form.component';
import { kindLabel } from './format.util';
import { RichText } from './rich-text.component';
import { Transcript } from './transcript.component';
import { useTickingNow } from './ticking-now.hook';

/** The open interaction (toolbar, colleagues' panels, the original tweet and the customer, the conversation). */
export function InteractionPanel(): ReactNode {
  const { state } = useDesk();
  const view = currentView(state);
  if (!view) {
    return (
      <div className="empty-state" data-testid="empty-state">
        <WrapUpNotice />
        <h2>No interaction open</h2>
        <p>
          Press <strong>Go ready</strong> (top right) to receive offers. New offers appear in the column on the right.
        </p>
      </div>
    );
  }
  return <InteractionView view={view} />;
}

/** After done: the wrap-up's time left, and that new offers wait for it (or for Go ready now). */
function WrapUpNotice(): ReactNode {
  const { state, actions } = useDesk();
  const { presence, clockSkew } = state;
  const active = presence.state === 'wrap-up';
  const now = useTickingNow(active);
  if (!active) return null;
  const countdown = presenceStatus(presence, now + clockSkew).countdown;
  return (
    <p className="wrap-up" data-testid="wrap-up-banner" role="status">
      Wrap-up{countdown ? `: ${countdown} left` : ''}. Finish your notes; new offers come after it.{' '}
      <button type="button" className="text-button" onClick={() => void actions.askPresence('ready')}>
        Go ready now
      </button>
    </p>
  );
}

function InteractionView({ view }: { view: InteractionView }): ReactNode {
  const { state } = useDesk();
  const message = view.firstMessage;
  const author = message?.author;
  const guest = conferenceRole(view, state.conferences[view.id], state.me) === 'guest';
  // Pushed without the customer's messages (the gateway could not read its store): nothing to answer or label yet.
  const incomplete = state.incomplete.includes(view.id);
  return (
    <article className="interaction" data-testid="interaction-view" data-interaction-id={view.id}>
      <header className="toolbar">
        <div className="toolbar-title">
          <h2 data-testid="interaction-title">{author ? `${author.name} · @${author.username}` : 'Interaction'}</h2>
          <span className="state-badge" data-testid="interaction-state" data-state={view.state}>
            {view.state === 'active' ? 'In progress' : view.state}
          </span>
        </div>
        {guest ? <GuestControls view={view} /> : <HolderControls view={view} />}
      </header>
      {/* A guest has none of the holder's panels. */}
      {!guest && view.state !== 'completed' && <CollabPanels view={view} />}
      <div className="interaction-body">
        <aside className="original" aria-label="Original tweet" data-testid="original-tweet">
          {incomplete && (
            <p className="view-incomplete" role="status" data-testid="view-incomplete">
              The customer’s messages could not be read yet; they appear here as soon as they can.
            </p>
          )}
          <CustomerCard view={view} />
          <p className="tweet-text" data-testid="tweet-text">
            <RichText text={message?.text ?? ''} />
          </p>
          <p className="tweet-meta" data-testid="tweet-meta">
            {message ? `${kindLabel(message.kind)} · ${new Date(message.createdAt).toLocaleString()}` : ''}
          </p>
          {!incomplete && (
            <>
              <Classification view={view} />
              <ContactPanel view={view} />
              <CustomerHistory view={view} />
            </>
          )}
        </aside>
        <section className="conversation" aria-label="Conversation">
          <h3 className="visually-hidden">Transcript</h3>
          <Transcript view={view} />
          {incomplete ? (
            <p className="composer-waiting" data-testid="composer-waiting">
              You can answer once the customer’s messages are read.
            </p>
          ) : (
            <Composer view={view} />
          )}
        </section>
      </div>
    </article>
  );
}

function HolderControls({ view }: { view: InteractionView }): ReactNode {
  const { state, dispatch, actions } = useDesk();
  const internal = splitTranscript(view.transcript).internal.length;
  const guests = state.conferences[view.id]?.guests.length ?? 0;
  const completed = view.state === 'completed';
  const toggle = (panel: Exclude<Panel, null>): void => {
    const next = state.panel === panel ? null : panel;
    dispatch({ type: 'panel', panel: next });
    // The states shown in the pickers are read again.
    if (next !== null) actions.loadRoster().catch(() => undefined);
  };
  return (
    <>
      <DoneForm key={view.id} view={view} />
      <div className="collab-tabs" role="group" aria-label="Work with a colleague">
        <button type="button" className="secondary" data-testid="transfer-open" aria-expanded={state.panel === 'transfer'} aria-controls="transfer-panel" disabled={completed} onClick={() => toggle('transfer')}>
          Transfer
        </button>
        <button type="button" className="secondary" data-testid="consult-open" aria-expanded={state.panel === 'consult'} aria-controls="consult-panel" disabled={completed} onClick={() => toggle('consult')}>
          Consult
          {internal > 0 && (
            <span className="tab-count" data-testid="consult-count">
              {internal}
            </span>
          )}
        </button>
        <button type="button" className="secondary" data-testid="conference-open" aria-expanded={state.panel === 'conference'} aria-controls="conference-panel" disabled={completed} onClick={() => toggle('conference')}>
          Conference
          {guests > 0 && (
            <span className="tab-count" data-testid="conference-count">
              {guests}
            </span>
          )}
        </button>
      </div>
    </>
  );
}

/** A guest answers the customer like the holder, but only the holder closes, transfers or invites. */
function GuestControls({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { state, actions, nameOf } = useDesk();
  const conference = state.conferences[view.id];
  async function leave(): Promise<void> {
    try {
      await api.post<CommandAccepted>(`/api/interactions/${view.id}/conference/leave`, {});
    } catch (e) {
      actions.notify(`Could not leave: ${errorText(e)}`, 'failed');
    }
  }
  return (
    <div className="guest-controls" data-testid="guest-controls">
      <span className="guest-badge" data-testid="guest-badge">
        {conference ? `Guest of ${nameOf(conference.holderAgentId)}` : ''}
      </span>
      <button type="button" className="danger" data-testid="conference-leave" onClick={() => void leave()}>
        Leave conference
      </button>
    </div>
  );
}
