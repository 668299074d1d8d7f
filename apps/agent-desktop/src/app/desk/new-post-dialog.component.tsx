import type { ActionAccepted, BrandAccountView, NewPostRequest } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

import { errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { composePost } from './composer.domain';
import { currentView } from './desk-reducer.domain';
import { useDesk } from './desk.hook';

/**
 * Where the button sits and what the post starts with: the menu's plain "New post", or e.g. a mention of a customer.
 * With `interactionId` the post is recorded on that interaction's transcript, with X's answer, like a reply.
 */
export interface NewPostButtonProps {
  label?: string;
  initialText?: string;
  className?: string;
  testId?: string;
  interactionId?: string;
}

/** "New post" in the agent's menu: a tweet from a brand account the agent may post from. */
export function NewPostButton({ label = 'New post', initialText = '', className = 'topbar-action', testId = 'new-post-open', interactionId }: NewPostButtonProps = {}): ReactNode {
  const { api } = useSession();
  const { state, actions } = useDesk();
  const [brands, setBrands] = useState<BrandAccountView[] | null>(null);
  const [open, setOpen] = useState(false);

  async function show(): Promise<void> {
    if (brands === null) {
      try {
        setBrands(await api.get<BrandAccountView[]>('/api/brands'));
      } catch (e) {
        actions.notify(`Could not list brand accounts: ${errorText(e)}`, 'failed');
        return;
      }
    }
    setOpen(true);
  }

  return (
    <>
      <button type="button" className={className} data-testid={testId} aria-haspopup="dialog" onClick={() => void show()}>
        {label}
      </button>
      {/* In the body: the button may sit inside another form (the composer's), and forms do not nest. */}
      {open && brands && createPortal(
          <NewPostDialog brands={brands} preferred={currentView(state)?.brandAccountId} initialText={initialText} interactionId={interactionId} onClose={() => setOpen(false)} />,
          document.body,
        )}
    </>
  );
}

interface NewPostDialogProps {
  brands: BrandAccountView[];
  preferred: string | undefined;
  initialText: string;
  interactionId: string | undefined;
  onClose: () => void;
}

function NewPostDialog({ brands, preferred, initialText, interactionId, onClose }: NewPostDialogProps): ReactNode {
  const { api } = useSession();
  const { actions } = useDesk();
  const dialog = useRef<HTMLDialogElement>(null);
  // The brand the open interaction came to is the likely choice.
  const [brand, setBrand] = useState(() => (preferred && brands.some((b) => b.id === preferred) ? preferred : (brands[0]?.id ?? '')));
  const [text, setText] = useState(initialText);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const composed = composePost(text);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function post(event: FormEvent): Promise<void> {
    event.preventDefault();
    // React bubbles a portal's events through the component tree: the composer's form around the button must not send.
    event.stopPropagation();
    setBusy(true);
    try {
      const request: NewPostRequest = interactionId === undefined ? { brandAccountId: brand, text } : { brandAccountId: brand, text, interactionId };
      const accepted = await api.post<ActionAccepted>('/api/posts', request);
      actions.notify('Posting…', 'pending', accepted.commandId);
      onClose();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <dialog className="card post-dialog" ref={dialog} data-testid="new-post-dialog" aria-labelledby="post-title" onClose={onClose}>
      <form noValidate onSubmit={(event) => void post(event)}>
        <h2 id="post-title">New post</h2>
        <label htmlFor="post-brand">From</label>
        <select id="post-brand" data-testid="new-post-brand" required value={brand} onChange={(e) => setBrand(e.target.value)}>
          {brands.map((b) => (
            <option key={b.id} value={b.id}>
              @{b.username}
            </option>
          ))}
        </select>
        <label htmlFor="post-text">Text</label>
        <textarea id="post-text" rows={4} data-testid="new-post-text" aria-describedby="post-counter post-error" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
        <div className="reply-foot">
          <span className="counter" id="post-counter" data-testid="new-post-counter" data-over={String(composed.length > composed.max)} aria-live="polite">
            {composed.length} / {composed.max}
          </span>
          {error && (
            <p className="form-error" id="post-error" role="alert" data-testid="new-post-error">
              {error}
            </p>
          )}
          <button type="button" className="secondary" data-testid="new-post-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="new-post-send" disabled={busy}>
            Post
          </button>
        </div>
      </form>
    </dialog>
  );
}
