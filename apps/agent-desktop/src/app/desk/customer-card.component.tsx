import type { ActionAccepted, InteractionView } from '@perch/desktop-api';
import { type ReactNode, useState } from 'react';

import { errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { useDesk } from './desk.hook';
import { compact, initials } from './format.util';

/** Who wrote: name, profile link, tweets, followers and following, and the relation to the brand as X tells it. */
export function CustomerCard({ view }: { view: InteractionView }): ReactNode {
  const author = view.firstMessage?.author;
  if (!author) return null;
  return (
    <>
      <div className="author">
        <div className="avatar" aria-hidden="true" data-testid="author-avatar">
          {initials(author.name || author.username)}
        </div>
        <div>
          <div className="author-name" data-testid="tweet-author-name">
            {author.name}
          </div>
          <a className="author-handle" target="_blank" rel="noopener noreferrer" data-testid="author-profile-link" href={author.profileUrl} aria-label={`@${author.username}'s profile on X (opens in a new tab)`}>
            @{author.username}
          </a>
        </div>
      </div>
      <dl className="author-stats">
        <Stat label="Tweets" value={author.tweetCount} testId="author-tweets" />
        <Stat label="Followers" value={author.followersCount} testId="author-followers" />
        <Stat label="Following" value={author.followingCount} testId="author-following" />
      </dl>
      <Relation view={view} />
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId: string }): ReactNode {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId} title={value.toLocaleString()}>
        {compact(value)}
      </dd>
    </div>
  );
}

/** Follow relation and DM eligibility, from X through the gateway's cache; follow or unfollow from the brand. */
function Relation({ view }: { view: InteractionView }): ReactNode {
  const { api } = useSession();
  const { state, dispatch, actions } = useDesk();
  const profile = state.profiles[view.id];
  const [busy, setBusy] = useState(false);
  const completed = view.state === 'completed';

  async function toggle(action: 'follow' | 'unfollow'): Promise<void> {
    setBusy(true);
    try {
      const accepted = await api.post<ActionAccepted>(`/api/interactions/${view.id}/${action}`);
      dispatch({
        type: 'entry',
        interactionId: view.id,
        entry: { kind: 'agent-action', action, entryId: `cmd:${accepted.commandId}`, at: Date.now(), commandId: accepted.commandId, agentId: state.me, text: '', status: 'pending' },
      });
    } catch (e) {
      actions.notify(`Could not ${action}: ${errorText(e)}`, 'failed');
    } finally {
      setBusy(false);
    }
  }

  let text: string;
  let title: string | undefined;
  let follow: ReactNode = (
    <button type="button" className="secondary" data-testid="follow-toggle" disabled>
      Follow
    </button>
  );
  if (!profile) text = 'Checking X…';
  else if ('error' in profile) text = `Could not ask X: ${profile.error}`;
  else {
    text = `${profile.followsBrand ? 'Follows the brand' : 'Does not follow the brand'} · ${profile.followedByBrand ? 'the brand follows them' : 'the brand does not follow them'}`;
    title = `As of ${new Date(profile.fetchedAt).toLocaleTimeString()}`;
    const action = profile.followedByBrand ? 'unfollow' : 'follow';
    follow = (
      <button type="button" className="secondary" data-testid="follow-toggle" data-following={String(profile.followedByBrand)} disabled={completed || busy} onClick={() => void toggle(action)}>
        {profile.followedByBrand ? 'Unfollow' : 'Follow'}
      </button>
    );
  }
  return (
    <div className="relation" data-testid="customer-relation" aria-live="polite">
      <p className="relation-text" data-testid="customer-relation-text" title={title}>
        {text}
      </p>
      <div className="relation-actions">
        {follow}
        <button type="button" className="link-button" data-testid="profile-refresh" title="Ask X again" onClick={() => void actions.loadProfile(view.id, true)}>
          Refresh
        </button>
      </div>
    </div>
  );
}
