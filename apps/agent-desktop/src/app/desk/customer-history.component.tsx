import type { InteractionHistory, InteractionSummary, InteractionView } from '@perch/desktop-api';
import { type ReactNode, useEffect, useState } from 'react';

import { errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { Badge } from './badge.component';
import { useDesk } from './desk.hook';
import { clock } from './format.util';

/** The customer's earlier interactions (tweets and DMs, any brand the agent may act for), how each ended and who handled it. */
export function CustomerHistory({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const [history, setHistory] = useState<InteractionHistory | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setHistory(null);
    api
      .get<InteractionHistory>(`/api/interactions/${view.id}/history`)
      .then((page) => current && setHistory(page))
      .catch((e: unknown) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
  }, [api, view.id]);

  const items = history?.items.filter((item) => item.id !== view.id) ?? [];
  return (
    <details className="history" data-testid="customer-history" open={items.length > 0}>
      <summary>
        Earlier interactions <span data-testid="history-count">{history ? `(${items.length}${history.nextCursor ? '+' : ''})` : '…'}</span>
      </summary>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {history && items.length === 0 && <p className="muted">None: this is their first conversation with your brands.</p>}
      <ol className="history-list">
        {items.map((item) => (
          <HistoryItem key={item.id} item={item} />
        ))}
      </ol>
    </details>
  );
}

function HistoryItem({ item }: { item: InteractionSummary }): ReactNode {
  const { nameOf } = useDesk();
  const completion = item.completion;
  return (
    <li className="history-item" data-testid="history-item" data-interaction-id={item.id} data-channel={item.channel}>
      <div className="history-head">
        <span className="channel-chip">{item.channel === 'dm' ? 'DM' : 'Tweet'}</span>
        <time>{new Date(item.createdAt).toLocaleDateString()} {clock(item.createdAt)}</time>
        {item.brandUsername && <span className="muted">to @{item.brandUsername}</span>}
        {item.classification && <Badge what="sentiment" value={item.classification.sentiment} testId="history-sentiment" />}
      </div>
      <p className="history-text">{item.text ?? ''}</p>
      <p className="history-outcome" data-testid="history-outcome">
        {completion ? (
          <>
            Done{completion.agentId ? ` by ${nameOf(completion.agentId)}` : ''}
            {completion.disposition ? ` · ${completion.disposition}` : ''}
            {completion.note ? <span data-testid="history-note"> · “{completion.note}”</span> : null}
          </>
        ) : (
          `Still ${item.state}`
        )}
        {item.handledBy.length > 0 && <span className="muted"> · handled by {item.handledBy.map(nameOf).join(', ')}</span>}
      </p>
      {item.entries.length > 0 && (
        <details>
          <summary>{item.entries.length} messages</summary>
          <ol className="history-entries">
            {item.entries.map((entry, i) => (
              <li key={i}>
                <span className="muted">
                  {clock(entry.at)} {entry.agentId ? nameOf(entry.agentId) : entry.kind === 'customer-message' ? 'customer' : entry.kind}
                </span>{' '}
                {entry.text ?? ''}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}
