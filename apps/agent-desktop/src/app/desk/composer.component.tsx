import type { ActionAccepted, DirectMessageRequest, InteractionView, ReplyRequest } from '@perch/desktop-api';
import { type ClipboardEvent, type DragEvent, type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';

import { errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { composeDm, composeReplyFor, remainingLabel } from './composer.domain';
import { useDesk } from './desk.hook';
import { NewPostButton } from './new-post-dialog.component';
import { StandardResponses } from './standard-responses.component';

export const ATTACHMENTS_NOT_SUPPORTED = 'Attachments (images, files) are not supported: replies and DMs are text only.';

/**
 * Answer the customer: a public reply (or reply-all) where the conversation has a tweet to reply to, a DM where X would
 * deliver one. The preview and the counter show exactly what will be sent, mentions included.
 */
export function Composer({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { state, dispatch } = useDesk();
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'reply' | 'reply-all'>('reply');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [library, setLibrary] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const profile = state.profiles[view.id];
  const completed = view.state === 'completed';

  const reply = composeReplyFor(view, text, mode === 'reply-all');
  const canReply = reply !== null;
  const canDm = profile !== undefined && !('error' in profile) ? profile.canDm : null;
  // Only what the conversation allows: no public reply without a tweet; no DM X would refuse.
  const channel = !canReply ? 'dm' : canDm === false ? 'reply' : state.channel;
  const dm = channel === 'dm';
  const composed = dm || !reply ? composeDm(text) : reply;
  // A DM conversation with someone X will not let the brand DM: nothing to type here; a mention in a new post is left.
  const dmBlocked = dm && canDm === false;
  const blockedUsername = profile !== undefined && !('error' in profile) ? profile.username : null;

  // A new interaction starts a new draft.
  useEffect(() => {
    setText('');
    setMode('reply');
    setError(null);
    setLibrary(false);
    area.current?.focus();
  }, [view.id]);

  async function send(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const accepted = dm
        ? await api.post<ActionAccepted>(`/api/interactions/${view.id}/dms`, { text } satisfies DirectMessageRequest)
        : await api.post<ActionAccepted>(`/api/interactions/${view.id}/replies`, { text, ...(mode === 'reply-all' ? { replyAll: true } : {}) } satisfies ReplyRequest);
      dispatch({
        type: 'entry',
        interactionId: view.id,
        entry: { kind: 'agent-action', action: dm ? 'dm' : 'reply', entryId: `cmd:${accepted.commandId}`, at: Date.now(), commandId: accepted.commandId, agentId: state.me, text: accepted.text ?? text, status: 'pending' },
      });
      setText('');
    } catch (e) {
      // The server is the authority on X's rules: its reason as is.
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  function refuseFiles(event: ClipboardEvent | DragEvent, files: FileList | null): void {
    if (!files || files.length === 0) return;
    event.preventDefault();
    setError(ATTACHMENTS_NOT_SUPPORTED);
  }

  const over = composed.length > composed.max;
  const eligibility = profile === undefined ? '' : 'error' in profile ? 'DM eligibility unknown; X will decide.' : profile.canDm ? 'Can receive a DM' : `@${profile.username} does not accept DMs from the brand`;
  return (
    <form className="reply" id="reply-form" noValidate onSubmit={(event) => void send(event)}>
      <div className="channel" role="radiogroup" aria-label="Answer by">
        {canReply && (
          <label>
            <input type="radio" name="channel" value="reply" data-testid="channel-reply" checked={!dm} disabled={completed} onChange={() => dispatch({ type: 'channel', channel: 'reply' })} /> Public reply
          </label>
        )}
        <label>
          <input
            type="radio"
            name="channel"
            value="dm"
            data-testid="channel-dm"
            checked={dm}
            disabled={completed || canDm === false}
            onChange={() => dispatch({ type: 'channel', channel: 'dm' })}
          />{' '}
          Direct message
        </label>
        <span className="channel-note" data-testid="dm-eligibility" data-blocked={String(canDm === false)}>
          {eligibility}
        </span>
        {!canReply && (
          <span className="channel-note" data-testid="dm-only-note">
            A DM conversation: no public tweet to reply to.
          </span>
        )}
      </div>
      {dmBlocked && blockedUsername !== null && !completed && (
        <div className="channel-blocked" data-testid="dm-blocked">
          Instead, mention @{blockedUsername} in a new post, or reach them on another channel.{' '}
          <NewPostButton
            label={`Mention @${blockedUsername} in a new post`}
            initialText={`@${blockedUsername} `}
            className="secondary"
            testId="dm-blocked-post"
            interactionId={view.id}
          />
        </div>
      )}
      <div className="reply-head">
        <label htmlFor="reply-text" data-testid="composer-label">
          {dm ? 'Direct message' : 'Reply publicly'}
        </label>
        {!dm && reply && (
          <>
            <span className="reply-mention" data-testid="reply-mention">
              {reply.inserted.length > 0 ? 'Will start with ' : 'Your text starts with the mentions '}
              {(reply.inserted.length > 0 ? reply.inserted : reply.typedMentions).map((name) => (
                <span key={name} className="mention-chip" data-testid="reply-mention-chip">
                  @{name}
                </span>
              ))}
            </span>
            <label className="reply-mode">
              <span className="visually-hidden">Reply to</span>
              <select
                data-testid="reply-mode"
                value={mode}
                disabled={completed}
                onChange={(e) => {
                  // Reply on another channel: the contact panel's email form (or saving the contact first).
                  if (e.target.value === 'email') dispatch({ type: 'reach', interactionId: view.id, channel: 'email', address: '' });
                  else setMode(e.target.value === 'reply-all' ? 'reply-all' : 'reply');
                }}
              >
                <option value="reply">Reply</option>
                <option value="reply-all">Reply all</option>
                <option value="email">Email instead…</option>
              </select>
            </label>
          </>
        )}
      </div>
      {library && (
        <StandardResponses
          view={view}
          onClose={() => setLibrary(false)}
          onInsert={(inserted) => {
            setText(inserted);
            setError(null);
            setLibrary(false);
            area.current?.focus();
          }}
        />
      )}
      <textarea
        id="reply-text"
        ref={area}
        rows={3}
        data-testid="reply-text"
        aria-describedby="reply-counter reply-error"
        placeholder={dmBlocked ? 'X will not deliver a DM from the brand to this customer' : dm ? 'Write your direct message…' : 'Write your reply…'}
        value={text}
        disabled={completed || dmBlocked}
        onChange={(e) => {
          setText(e.target.value);
          setError(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.currentTarget.form?.requestSubmit();
        }}
        onPaste={(event) => refuseFiles(event, event.clipboardData.files)}
        onDrop={(event) => refuseFiles(event, event.dataTransfer.files)}
      />
      {!dm && text.trim() !== '' && (
        <p className="reply-preview" data-testid="reply-preview" title="Exactly what will be posted on X">
          <span className="muted">Will post: </span>
          {composed.text}
        </p>
      )}
      <div className="reply-foot">
        <span className="counter" id="reply-counter" data-testid="reply-counter" data-over={String(over)} aria-live="polite" aria-label={remainingLabel(composed)}>
          {composed.length} / {composed.max}
        </span>
        <button type="button" className="text-button" data-testid="responses-open" aria-expanded={library} disabled={completed} onClick={() => setLibrary(!library)}>
          Standard responses
        </button>
        <span className="attachments-note" data-testid="attachments-note">
          No attachments: text only
        </span>
        {error && (
          <p className="form-error" id="reply-error" role="alert" data-testid="reply-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" data-testid="reply-send" disabled={busy || completed || dmBlocked}>
          {dm ? 'Send DM' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
