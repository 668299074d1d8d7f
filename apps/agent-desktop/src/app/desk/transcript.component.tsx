import type { AgentActionEntry, InteractionView, TranscriptEntry } from '@perch/desktop-api';
import { type ReactNode, useEffect, useRef } from 'react';

import { splitTranscript } from './desk-state.domain';
import { useDesk } from './desk.hook';
import { clock } from './format.util';
import { RichText } from './rich-text.component';

const ACTION_LABELS: Readonly<Record<string, string>> = { reply: 'public reply', dm: 'direct message', post: 'new post', follow: 'follow', unfollow: 'unfollow' };

/** The customer's conversation in order: their tweets and DMs, the agents' actions with X's answer, emails and calls. */
export function Transcript({ view }: { view: InteractionView }): ReactNode {
  const list = useRef<HTMLOListElement>(null);
  // Consultations are internal: the consult panel shows them, never the customer's conversation.
  const entries = splitTranscript(view.transcript).conversation;
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [entries.length]);
  return (
    <ol className="transcript" data-testid="transcript" aria-live="polite" ref={list}>
      {entries.map((entry) => (
        <Entry key={entry.entryId} entry={entry} interactionId={view.id} />
      ))}
    </ol>
  );
}

function Entry({ entry, interactionId }: { entry: TranscriptEntry; interactionId: string }): ReactNode {
  const { dispatch, nameOf } = useDesk();
  switch (entry.kind) {
    case 'customer-message':
      return (
        <li className="entry" data-testid="transcript-entry" data-kind={entry.kind} data-message-kind={entry.messageKind} data-entry-id={entry.entryId}>
          <div className="entry-head">
            <strong>{entry.authorName || entry.authorUsername}</strong>
            <span>@{entry.authorUsername}</span>
            {entry.messageKind === 'dm' && <span className="channel-chip">DM</span>}
            <span aria-hidden="true">·</span>
            <time dateTime={entry.createdAt}>{clock(entry.createdAt)}</time>
          </div>
          <div className="entry-text">
            {/* An address or number the customer wrote: email or call it through Perch. */}
            <RichText text={entry.text} onReach={(channel, address) => dispatch({ type: 'reach', interactionId, channel, address })} />
          </div>
        </li>
      );
    case 'agent-action':
      return (
        <li className="entry" data-testid="transcript-entry" data-kind={entry.kind} data-action={entry.action} data-entry-id={entry.entryId} data-status={entry.status} data-tweet-id={entry.tweetId ?? ''}>
          <div className="entry-head">
            <strong>{nameOf(entry.agentId)}</strong>
            <span>{ACTION_LABELS[entry.action] ?? entry.action}</span>
            <span aria-hidden="true">·</span>
            <time>{clock(entry.at)}</time>
          </div>
          {entry.text ? (
            <div className="entry-text">
              <RichText text={entry.text} />
            </div>
          ) : null}
          <div className="entry-status" data-testid="entry-status">
            <ActionStatus entry={entry} />
          </div>
        </li>
      );
    case 'email':
      return (
        <li className="entry" data-testid="transcript-entry" data-kind={entry.kind} data-entry-id={entry.entryId} data-status={entry.status}>
          <div className="entry-head">
            <strong>{nameOf(entry.agentId)}</strong>
            <span>email to {entry.to}</span>
            <span aria-hidden="true">·</span>
            <time>{clock(entry.at)}</time>
          </div>
          <div className="entry-text">
            <strong>{entry.subject}</strong>
            {'\n'}
            {entry.text}
          </div>
          <div className="entry-status" data-testid="entry-status">
            {entry.status === 'sent' ? 'Email sent' : `Not sent: ${entry.failure?.detail ?? 'the mail server refused it'}`}
          </div>
        </li>
      );
    case 'call-request':
      return (
        <li className="entry" data-testid="transcript-entry" data-kind={entry.kind} data-entry-id={entry.entryId}>
          <div className="entry-head">
            <strong>{nameOf(entry.agentId)}</strong>
            <span>call requested to {entry.phone}</span>
            <span aria-hidden="true">·</span>
            <time>{clock(entry.at)}</time>
          </div>
          {entry.reason && <div className="entry-text">{entry.reason}</div>}
          <div className="entry-status" data-testid="entry-status">
            Asked the telephony system to call
          </div>
        </li>
      );
    default:
      return null;
  }
}

/** What X did with an agent's action, in words. */
function ActionStatus({ entry }: { entry: AgentActionEntry }): ReactNode {
  if (entry.status === 'pending') return 'Sending…';
  if (entry.status === 'waiting') {
    const why = entry.failure?.code === 'x-rate-limited' ? "X's rate limit for this account is spent" : 'X is not answering';
    return `Waiting: ${why}; trying again at ${new Date(entry.retryAt ?? Date.now()).toLocaleTimeString()}`;
  }
  if (entry.status === 'failed') return `Not done: ${entry.failure?.detail ?? 'X refused it'}`;
  switch (entry.action) {
    case 'dm':
      return 'Delivered as a direct message';
    case 'follow':
      return entry.pendingFollow ? 'Follow requested (their account is protected)' : 'The brand now follows them';
    case 'unfollow':
      return 'The brand no longer follows them';
    default:
      return (
        <>
          Posted on X ·{' '}
          <a href={`https://x.com/i/web/status/${entry.tweetId}`} target="_blank" rel="noopener noreferrer" data-testid="entry-tweet-id">
            tweet {entry.tweetId}
          </a>
        </>
      );
  }
}
