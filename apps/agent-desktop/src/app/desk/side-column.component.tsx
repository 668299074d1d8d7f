import type { ConsultationEntry } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useState } from 'react';

import { errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { holds } from './desk-reducer.domain';
import { type ConsultThread } from './desk-state.domain';
import { useDesk } from './desk.hook';
import { clock } from './format.util';
import { type OfferAlerts } from './offer-alerts.hook';
import { OfferToast } from './offer-toast.component';

/**
 * Notices, colleagues' consultations and offers: a column of its own beside the interaction, so none of them ever
 * covers the composer, and nothing jumps under the pointer when an offer arrives.
 */
export function SideColumn({ alerts }: { alerts: OfferAlerts }): ReactNode {
  const { state } = useDesk();
  // A thread about an interaction this agent now holds is in its consult panel instead.
  const threads = state.consultThreads.filter((thread) => !holds(state, thread.interactionId));
  const empty = state.notices.length === 0 && state.offers.length === 0 && threads.length === 0;
  return (
    <aside className="side" data-testid="side" aria-label="Offers and notices">
      <AlertSettings alerts={alerts} />
      {empty && (
        <p className="side-empty" data-testid="side-empty">
          New offers, colleagues' questions and notices appear here.
        </p>
      )}
      <div className="notices" role="status" aria-live="polite" data-testid="notices">
        {state.notices.map((notice) => (
          <div key={notice.id} className="notice" data-testid="notice" data-kind={notice.kind}>
            {notice.text}
          </div>
        ))}
      </div>
      {threads.length > 0 && (
        <section className="inbox" data-testid="consult-inbox" aria-labelledby="inbox-title">
          <h2 id="inbox-title">Colleagues asking you</h2>
          <p className="inbox-note">Internal, never sent to X.</p>
          <div className="inbox-threads" data-testid="consult-inbox-threads">
            {threads.map((thread) => (
              <ThreadCard key={`${thread.interactionId}:${thread.peerId}`} thread={thread} />
            ))}
          </div>
        </section>
      )}
      <div className="toasts" aria-live="assertive" aria-label="Offers" data-testid="toasts">
        {state.offers.map((offer) => (
          <OfferToast key={offer.interactionId} offer={offer} />
        ))}
      </div>
    </aside>
  );
}

function AlertSettings({ alerts }: { alerts: OfferAlerts }): ReactNode {
  const { settings, change } = alerts;
  return (
    <div className="alert-settings" role="group" aria-label="How new offers call you">
      <span className="muted">New offers:</span>
      <label>
        <input type="checkbox" data-testid="alert-sound" checked={settings.sound} onChange={(e) => change({ ...settings, sound: e.target.checked })} /> sound
      </label>
      <label>
        <input type="checkbox" data-testid="alert-flash" checked={settings.flash} onChange={(e) => change({ ...settings, flash: e.target.checked })} /> flash the tab
      </label>
    </div>
  );
}

/** A colleague's consultation about an interaction they hold: the thread, and a box to answer (internal). */
function ThreadCard({ thread }: { thread: ConsultThread }): ReactNode {
  const { api } = useSession();
  const { dispatch, nameOf } = useDesk();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const peer = nameOf(thread.peerId);
  const voice = thread.entries.some((entry) => entry.voice);

  async function answer(event: FormEvent): Promise<void> {
    event.preventDefault();
    const typed = text.trim();
    if (!typed) return;
    setBusy(true);
    setError(null);
    try {
      const entry = await api.post<ConsultationEntry>(`/api/interactions/${thread.interactionId}/consultations`, { withAgentId: thread.peerId, text: typed });
      setText('');
      dispatch({ type: 'consultation', interactionId: thread.interactionId, entry });
    } catch (e) {
      // 403 / 409: the colleague no longer holds it (transferred, done); the thread stays to read.
      setError(`Not sent: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="thread-card" data-testid="consult-inbox-thread" data-interaction-id={thread.interactionId} data-peer-id={thread.peerId}>
      <div className="thread-card-head">
        <strong>{peer} asks you</strong>
        <span className="muted">{voice ? 'call requested · internal' : 'internal'}</span>
      </div>
      <ol className="thread">
        {thread.entries.map((entry) => (
          <ConsultEntry key={entry.entryId} entry={entry} testId="consult-entry" compact />
        ))}
      </ol>
      <form onSubmit={(event) => void answer(event)}>
        <textarea
          rows={2}
          data-testid="consult-reply-text"
          aria-label={`Answer ${peer} (internal)`}
          maxLength={2000}
          placeholder={`Answer ${peer} (internal)`}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        {error && (
          <p className="form-error" role="alert" data-testid="consult-reply-error">
            {error}
          </p>
        )}
        <div className="thread-actions">
          <button
            type="button"
            className="text-button"
            data-testid="consult-dismiss"
            title="Remove this thread from your desktop"
            onClick={() => dispatch({ type: 'thread-dismissed', interactionId: thread.interactionId, peerId: thread.peerId })}
          >
            Dismiss
          </button>
          <button type="submit" className="primary" data-testid="consult-reply-send" disabled={busy}>
            Answer
          </button>
        </div>
      </form>
    </article>
  );
}

/** One internal consultation entry; `compact` in the side column's cards, which name the colleague already. */
export function ConsultEntry({ entry, testId, compact = false }: { entry: ConsultationEntry; testId: string; compact?: boolean }): ReactNode {
  const { state, nameOf } = useDesk();
  const mine = entry.fromAgentId === state.me;
  const to = entry.withAgentId === state.me ? 'you' : nameOf(entry.withAgentId);
  const what = compact ? (entry.voice ? 'asked for a call' : '') : `${entry.voice ? 'asked for a call with' : 'to'} ${to} · internal`;
  return (
    <li className={`entry internal${mine ? ' mine' : ''}`} data-testid={testId} data-kind="consultation" data-entry-id={entry.entryId} data-from={entry.fromAgentId}>
      <div className="entry-head">
        <strong>{nameOf(entry.fromAgentId)}</strong>
        {what && <span>{what}</span>}
        <span aria-hidden="true">·</span>
        <time>{clock(entry.at)}</time>
      </div>
      <div className="entry-text">{entry.text}</div>
    </li>
  );
}
