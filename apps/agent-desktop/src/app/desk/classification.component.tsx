import type { ClassificationCorrectionRequest, CorrectionAccepted, DeclaredActionability, DeclaredSentiment, InteractionView } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';

import { errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { Badge } from './badge.component';
import { useDesk } from './desk.hook';
import { whyLine } from './reason-words.domain';

/** The labels the badges show: an agent's correction where there is one, else the model's. */
export function shownLabels(view: InteractionView): { sentiment: string; actionability: string } {
  const fix = view.classificationCorrection;
  return {
    sentiment: fix?.sentiment ?? view.classification?.sentiment ?? 'undeclared',
    actionability: fix?.actionability ?? view.classification?.actionability ?? 'undeclared',
  };
}

/** Sentiment and actionability with the agent's correction, the form to correct them, and why the model decided. */
export function Classification({ view }: { view: InteractionView }): ReactNode {
  const c = view.classification;
  const fix = view.classificationCorrection;
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const close = (refocus: boolean): void => {
    setOpen(false);
    if (refocus) opener.current?.focus();
  };
  return (
    <>
      <div className="classification" role="group" aria-label="Classification" aria-live="polite">
        <Badge what="sentiment" value={fix?.sentiment ?? c?.sentiment ?? 'undeclared'} testId="classification-sentiment" {...(fix?.sentiment ? { original: c?.sentiment ?? 'undeclared' } : {})} />
        <Badge
          what="actionability"
          value={fix?.actionability ?? c?.actionability ?? 'undeclared'}
          testId="classification-actionability"
          {...(fix?.actionability ? { original: c?.actionability ?? 'undeclared' } : {})}
        />
        <button
          ref={opener}
          type="button"
          className="text-button"
          data-testid="classification-correct-open"
          aria-expanded={open}
          aria-controls="correction-form"
          title="Correct the sentiment or actionability: your labels train the next model"
          disabled={!c}
          onClick={() => (open ? close(true) : setOpen(true))}
        >
          Correct
        </button>
      </div>
      {open && <CorrectionForm key={view.id} view={view} onClose={close} />}
      {/* The features explain the model's decision, so they stay whatever the agent corrected. */}
      <p className="why" data-testid="classification-why" title="The words that weighed most in the model's decision">
        {whyLine(c, view.firstMessage?.text ?? '')}
      </p>
    </>
  );
}

function CorrectionForm({ view, onClose }: { view: InteractionView; onClose: (refocus: boolean) => void }): ReactNode {
  const { api } = useSession();
  const { state, dispatch } = useDesk();
  const shown = shownLabels(view);
  // 'undeclared' is not offered: the empty choice asks the agent to pick a real label.
  const [sentiment, setSentiment] = useState(shown.sentiment === 'undeclared' ? '' : shown.sentiment);
  const [actionability, setActionability] = useState(shown.actionability === 'undeclared' ? '' : shown.actionability);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    const body: ClassificationCorrectionRequest = {};
    // Only what the agent changed is sent: an unchanged label is not a correction.
    if (sentiment && sentiment !== shown.sentiment) body.sentiment = sentiment as DeclaredSentiment;
    if (actionability && actionability !== shown.actionability) body.actionability = actionability as DeclaredActionability;
    if (body.sentiment === undefined && body.actionability === undefined) {
      setError('Pick a sentiment or an actionability different from the one shown.');
      return;
    }
    if (note.trim()) body.note = note.trim();
    setBusy(true);
    try {
      const accepted = await api.put<CorrectionAccepted>(`/api/interactions/${view.id}/classification`, body);
      // Shown at once; the socket's classification-corrected (the server's merged view) confirms it.
      const { note: _note, ...labels } = body;
      dispatch({
        type: 'corrected',
        interactionId: view.id,
        correction: { ...(view.classificationCorrection ?? {}), ...labels, agentId: state.me, at: Date.now(), correctionId: accepted.correctionId },
      });
      onClose(true);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <form
      className="correction"
      id="correction-form"
      data-testid="classification-correction-form"
      aria-labelledby="correction-title"
      noValidate
      onSubmit={(event) => void save(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose(true);
      }}
    >
      <p className="correction-title" id="correction-title">
        Correct the labels
      </p>
      <div className="correction-fields">
        <label htmlFor="correction-sentiment">Sentiment</label>
        <select
          id="correction-sentiment"
          data-testid="correction-sentiment"
          value={sentiment}
          autoFocus
          onChange={(e) => {
            setSentiment(e.target.value);
            setError(null);
          }}
        >
          <option value="" disabled>
            Choose…
          </option>
          <option value="positive">Positive</option>
          <option value="negative">Negative</option>
          <option value="neutral">Neutral</option>
        </select>
        <label htmlFor="correction-actionability">Actionability</label>
        <select
          id="correction-actionability"
          data-testid="correction-actionability"
          value={actionability}
          onChange={(e) => {
            setActionability(e.target.value);
            setError(null);
          }}
        >
          <option value="" disabled>
            Choose…
          </option>
          <option value="actionable">Actionable</option>
          <option value="not-actionable">Not actionable</option>
        </select>
        <label htmlFor="correction-note">
          Note <span className="muted">(optional)</span>
        </label>
        <input id="correction-note" data-testid="correction-note" maxLength={500} autoComplete="off" placeholder="e.g. sarcasm" value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="correction-error">
          {error}
        </p>
      )}
      <div className="correction-actions">
        <button type="button" className="secondary" data-testid="correction-cancel" onClick={() => onClose(true)}>
          Cancel
        </button>
        <button type="submit" className="primary" data-testid="correction-save" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}
