import type { OfferMessage } from '@perch/desktop-api';
import { type ReactNode, useEffect, useState } from 'react';

import { errorText } from '../core/api-client.adapter';
import { Badge } from './badge.component';
import { offerHeading } from './desk-state.domain';
import { useDesk } from './desk.hook';
import { initials } from './format.util';

/** An offer's preview: who wrote, tweet or DM, a snippet, the labels, the time left; accept or decline. */
export function OfferToast({ offer }: { offer: OfferMessage }): ReactNode {
  const { actions, dispatch, nameOf } = useDesk();
  const heading = offerHeading(offer, nameOf);
  const [total] = useState(() => Math.max(1, Date.parse(offer.expiresAt) - Date.now()));
  const [left, setLeft] = useState(() => Date.parse(offer.expiresAt) - Date.now());
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    const timer = setInterval(() => {
      const remaining = Date.parse(offer.expiresAt) - Date.now();
      setLeft(remaining);
      if (remaining <= 0) dispatch({ type: 'offer-gone', interactionId: offer.interactionId });
    }, 250);
    return () => clearInterval(timer);
  }, [offer.expiresAt, offer.interactionId, dispatch]);

  async function decide(decision: 'accept' | 'decline'): Promise<void> {
    setBusy(true);
    try {
      await actions.decide(offer, decision);
      if (decision === 'accept') setStatus('Opening…');
    } catch (e) {
      setStatus(errorText(e));
      setBusy(false);
    }
  }

  const channel = offer.messageKind === 'dm' ? 'dm' : 'tweet';
  return (
    <section
      className="toast"
      data-testid="offer-toast"
      data-interaction-id={offer.interactionId}
      data-channel={channel}
      data-transfer={String(heading.kind === 'transfer')}
      data-conference={String(heading.kind === 'conference')}
      data-received-at={String(offer.receivedAt)}
      aria-label={`${heading.title}: @${offer.author.username}`}
    >
      <div className="toast-head">
        <div className="avatar" aria-hidden="true">
          {initials(offer.author.name || offer.author.username)}
        </div>
        <div>
          <div className="toast-title">{heading.title}</div>
          <div className="toast-who" data-testid="offer-author">
            {offer.author.name} <span className="muted">@{offer.author.username}</span>
          </div>
        </div>
        <span className="channel-chip" data-testid="offer-channel" data-channel={channel}>
          {channel === 'dm' ? 'DM' : 'Tweet'}
        </span>
      </div>
      {heading.note !== null && (
        <p className="toast-transfer" data-testid={heading.kind === 'conference' ? 'offer-conference-note' : 'offer-transfer-reason'}>
          {heading.note}
        </p>
      )}
      <p className="toast-snippet" data-testid="offer-snippet">
        {offer.snippet}
      </p>
      <div className="toast-badges">
        <Badge what="sentiment" value={offer.sentiment} testId="offer-sentiment" />
        <Badge what="actionability" value={offer.actionability} testId="offer-actionability" />
      </div>
      <div className="progress" aria-hidden="true">
        {/* React sets the width through the DOM (CSSOM), which the page's CSP allows (no inline style attribute). */}
        <span style={{ width: `${Math.max(0, left / total) * 100}%` }} />
      </div>
      <div className="toast-foot">
        <span className="countdown" data-testid="offer-countdown">
          {status ?? (left > 0 ? `Expires in ${Math.ceil(left / 1000)} s` : '')}
        </span>
        <button type="button" className="secondary" data-testid="offer-decline" disabled={busy} onClick={() => void decide('decline')}>
          Decline
        </button>
        <button type="button" className="primary" data-testid="offer-accept" disabled={busy} onClick={() => void decide('accept')}>
          {heading.accept}
        </button>
      </div>
    </section>
  );
}

