import type { BrandDispositions, CommandAccepted, DoneRequest, InteractionView } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';

import { ApiError, errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { doneRefusal } from './desk-state.domain';
import { useDesk } from './desk.hook';

const NOTE_MAX_LENGTH = 2_000;

/**
 * Mark done with a disposition code from the brand's list (required where the brand says so) and a note, both kept
 * with the interaction. The router's wrap-up follows (its countdown is in the top bar).
 */
export function DoneForm({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { config } = useDesk();
  const [codes, setCodes] = useState<BrandDispositions | null>(null);
  const [disposition, setDisposition] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [closing, setClosing] = useState(false);
  const brand = view.firstMessage?.brandUsername ?? '';
  const completed = view.state === 'completed';

  useEffect(() => {
    let current = true;
    if (!brand) return undefined;
    api
      .get<BrandDispositions[]>(`/api/dispositions?brand=${encodeURIComponent(brand)}`)
      .then((lists) => current && setCodes(lists.find((list) => list.brand.toLowerCase() === brand.toLowerCase()) ?? null))
      // No list for this brand (or no disposition codes on this gateway): done without one.
      .catch(() => current && setCodes(null));
    return () => {
      current = false;
    };
  }, [api, brand]);

  async function done(event: FormEvent): Promise<void> {
    event.preventDefault();
    const refusal = doneRefusal({ required: codes?.required ?? false, brand, disposition, note, noteMaxLength: config?.noteMaxLength ?? NOTE_MAX_LENGTH });
    if (refusal) {
      setError(refusal.message);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: DoneRequest = { ...(disposition ? { disposition } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
      await api.post<CommandAccepted>(`/api/interactions/${view.id}/done`, body);
      setClosing(true);
    } catch (e) {
      const problems = e instanceof ApiError ? (e.body?.problems ?? []).flatMap((p) => p.messages) : [];
      setError(`Not done: ${problems.length ? problems.join(' ') : errorText(e)}`);
      setBusy(false);
    }
  }

  const choices = codes?.codes.filter((code) => !code.retired) ?? [];
  return (
    <form className="done-form" data-testid="done-form" onSubmit={(event) => void done(event)}>
      {choices.length > 0 && (
        <>
          <label htmlFor="disposition" className="visually-hidden">
            Disposition
          </label>
          <select id="disposition" data-testid="disposition" data-required={String(codes?.required ?? false)} value={disposition} disabled={completed} onChange={(e) => setDisposition(e.target.value)}>
            <option value="">{codes?.required ? 'Disposition (required)' : 'Disposition (optional)'}</option>
            {choices.map((code) => (
              <option key={code.code} value={code.code}>
                {code.label}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor="done-note" className="visually-hidden">
        Note
      </label>
      <input id="done-note" data-testid="done-note" placeholder="Note for the record (optional)" maxLength={config?.noteMaxLength ?? NOTE_MAX_LENGTH} value={note} disabled={completed} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" className="secondary" data-testid="done-button" disabled={busy || completed}>
        {closing ? 'Closing…' : 'Mark done'}
      </button>
      {error && (
        <p className="form-error done-error" role="alert" data-testid="done-error">
          {error}
        </p>
      )}
    </form>
  );
}
