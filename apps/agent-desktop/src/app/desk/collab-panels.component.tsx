import type { CommandAccepted, ConsultationEntry, InteractionView, TransferRequest } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useState } from 'react';

import { ApiError, errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { colleagueChoices, conferenceFeedback, conferenceRefusal, consultRecipient, keepChoice, type PickerOption, splitTranscript, transferFeedback, transferRefusal, transferTargets } from './desk-state.domain';
import { useDesk } from './desk.hook';
import { ConsultEntry } from './side-column.component';

/** The open panel under the toolbar: transfer, consult (internal) or conference. */
export function CollabPanels({ view }: { view: InteractionView }): ReactNode {
  const { state } = useDesk();
  switch (state.panel) {
    case 'transfer':
      return <TransferPanel view={view} />;
    case 'consult':
      return <ConsultPanel view={view} />;
    case 'conference':
      return <ConferencePanel view={view} />;
    default:
      return null;
  }
}

function Picker({ id, testId, options, value, onChange }: { id: string; testId: string; options: PickerOption[]; value: string; onChange: (value: string) => void }): ReactNode {
  return (
    <select id={id} data-testid={testId} value={keepChoice(options, value)} onChange={(e) => onChange(e.target.value)}>
      {options.map((option) => (
        <option key={option.value} value={option.value} disabled={option.disabled}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

function TransferPanel({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { state, dispatch, nameOf } = useDesk();
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const options = transferTargets(state.roster);
  const feedback = transferFeedback(state.transfers[view.id], nameOf);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const to = keepChoice(options, target);
    const why = reason.trim();
    if (!why) {
      dispatch({ type: 'transfer', interactionId: view.id, event: { type: 'refused', detail: 'give a reason: the colleague or the next agent sees it.' } });
      return;
    }
    dispatch({ type: 'transfer', interactionId: view.id, event: { type: 'sent', toAgentId: to || null } });
    try {
      const body: TransferRequest = to ? { toAgentId: to, reason: why } : { toQueue: true, reason: why };
      await api.post<CommandAccepted>(`/api/interactions/${view.id}/transfer`, body);
      setReason('');
    } catch (e) {
      const detail = e instanceof ApiError ? transferRefusal(e.code, e.message) : errorText(e);
      dispatch({ type: 'transfer', interactionId: view.id, event: { type: 'refused', detail } });
    }
  }

  return (
    <section className="collab" id="transfer-panel" data-testid="transfer-panel" aria-label="Transfer">
      <form className="collab-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor="transfer-target">To</label>
        <Picker id="transfer-target" testId="transfer-target" options={options} value={target} onChange={setTarget} />
        <label htmlFor="transfer-reason">Reason</label>
        <input id="transfer-reason" data-testid="transfer-reason" maxLength={500} required autoComplete="off" placeholder="Why it goes to them (they see it)" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
        <button type="submit" className="primary" data-testid="transfer-button" disabled={feedback.busy}>
          {feedback.busy ? 'Waiting…' : 'Transfer'}
        </button>
      </form>
      {feedback.text && (
        <p className="collab-status" data-testid="transfer-status" data-kind={feedback.kind} role="status" aria-live="polite">
          {feedback.text}
        </p>
      )}
    </section>
  );
}

function ConsultPanel({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { state, dispatch } = useDesk();
  const [picked, setPicked] = useState('');
  const [text, setText] = useState('');
  const [voice, setVoice] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const internal = splitTranscript(view.transcript).internal;
  const options = colleagueChoices(state.roster, 'consult');

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setError(null);
    const withAgentId = consultRecipient(internal, keepChoice(options, picked), state.me);
    if (!withAgentId || !text.trim()) {
      setError(withAgentId ? 'Write your question first.' : 'Choose the colleague to consult.');
      return;
    }
    setBusy(true);
    try {
      const entry = await api.post<ConsultationEntry>(`/api/interactions/${view.id}/consultations`, { withAgentId, text: text.trim(), voice });
      dispatch({ type: 'entry', interactionId: view.id, entry });
      setText('');
      setVoice(false);
    } catch (e) {
      setError(`Not sent: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="collab" id="consult-panel" data-testid="consult-panel" aria-labelledby="consult-title">
      <p className="internal-banner" id="consult-title">
        <strong>Internal consultation</strong> · never sent to X: only you and the colleague see it
      </p>
      <ol className="thread" data-testid="consult-thread" aria-live="polite">
        {internal.map((entry) => (
          <ConsultEntry key={entry.entryId} entry={entry} testId="transcript-entry" />
        ))}
      </ol>
      {internal.length === 0 && (
        <p className="thread-empty" data-testid="consult-thread-empty">
          No consultation yet about this interaction.
        </p>
      )}
      <form className="collab-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor="consult-target">With</label>
        <Picker id="consult-target" testId="consult-target" options={options} value={picked} onChange={setPicked} />
        <label htmlFor="consult-text">Message</label>
        <input id="consult-text" data-testid="consult-text" maxLength={2000} required autoComplete="off" placeholder="Ask a colleague (internal, never sent to X)" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
        <label className="inline" title="Also asks the voice system to call them">
          <input type="checkbox" data-testid="consult-voice" checked={voice} onChange={(e) => setVoice(e.target.checked)} /> Voice call
        </label>
        <button type="submit" className="primary" data-testid="consult-button" disabled={busy}>
          Send internally
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="consult-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ConferencePanel({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { state, dispatch, actions, nameOf } = useDesk();
  const [picked, setPicked] = useState('');
  const [reason, setReason] = useState('');
  const conference = state.conferences[view.id];
  const feedback = conferenceFeedback(conference, state.me, nameOf);
  const options = colleagueChoices(state.roster, 'conference');
  const guests = conference?.guests ?? [];

  async function invite(event: FormEvent): Promise<void> {
    event.preventDefault();
    const agentId = keepChoice(options, picked);
    if (!agentId) {
      dispatch({ type: 'conference-local', interactionId: view.id, event: { type: 'invite-refused', agentId: '', detail: 'choose the colleague to invite.' } });
      return;
    }
    dispatch({ type: 'conference-local', interactionId: view.id, event: { type: 'invite-sent', agentId } });
    try {
      await api.post<CommandAccepted>(`/api/interactions/${view.id}/conference`, reason.trim() ? { agentId, reason: reason.trim() } : { agentId });
      setReason('');
    } catch (e) {
      const detail = e instanceof ApiError ? conferenceRefusal(e.code, e.message) : errorText(e);
      dispatch({ type: 'conference-local', interactionId: view.id, event: { type: 'invite-refused', agentId, detail } });
    }
  }

  async function handOver(guestId: string): Promise<void> {
    try {
      await api.post<CommandAccepted>(`/api/interactions/${view.id}/conference/leave`, { handOverTo: guestId });
    } catch (e) {
      actions.notify(`Could not hand over: ${errorText(e)}`, 'failed');
    }
  }

  return (
    <section className="collab" id="conference-panel" data-testid="conference-panel" aria-label="Conference">
      <p className="collab-help">A conference brings a colleague into this conversation: they see the transcript and may answer the customer. You stay the holder until you hand it over.</p>
      <ul className="guests" data-testid="conference-guests">
        {guests.map((guestId) => (
          <li key={guestId} data-testid="conference-guest" data-agent-id={guestId}>
            <strong>{nameOf(guestId)}</strong>
            <span className="muted">in the conference</span>
            <button type="button" className="secondary" data-testid="conference-hand-over" data-agent-id={guestId} onClick={() => void handOver(guestId)}>
              Hand over to {nameOf(guestId)}
            </button>
          </li>
        ))}
      </ul>
      <form className="collab-form" onSubmit={(event) => void invite(event)}>
        <label htmlFor="conference-target">Invite</label>
        <Picker id="conference-target" testId="conference-target" options={options} value={picked} onChange={setPicked} />
        <label htmlFor="conference-reason">Note</label>
        <input id="conference-reason" data-testid="conference-reason" maxLength={500} autoComplete="off" placeholder="Optional: why you invite them" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="submit" className="primary" data-testid="conference-invite" disabled={Boolean(conference?.invited)}>
          Invite
        </button>
      </form>
      {feedback.text && (
        <p className="collab-status" data-testid="conference-status" data-kind={feedback.kind} role="status" aria-live="polite">
          {feedback.text}
        </p>
      )}
    </section>
  );
}
