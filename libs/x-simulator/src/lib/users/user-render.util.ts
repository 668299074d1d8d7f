import { canSendDm } from '../dms/dm-policy.util';
import type { FieldSelection } from '../http/field-selection.util';
import type { SimUser } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';

/** X's v2 User object with the fields the simulator renders. */
export interface UserWire {
  id: string;
  name: string;
  username: string;
  created_at?: string;
  description?: string;
  location?: string;
  verified?: boolean;
  verified_type?: string;
  protected?: boolean;
  public_metrics?: {
    followers_count: number;
    following_count: number;
    tweet_count: number;
    listed_count: number;
    like_count: number;
  };
  connection_status?: string[];
  receives_your_dm?: boolean;
  most_recent_tweet_id?: string;
  profile_image_url?: string;
  url?: string;
}

/**
 * Renders a user for `viewer` (the calling user, undefined for app-only): connection_status and
 * receives_your_dm are relative to the caller, as on X.
 */
export function renderUser(
  user: SimUser,
  selection: FieldSelection,
  store: SimulatorStore,
  viewer: SimUser | undefined,
): UserWire {
  const out: UserWire = { id: user.id, name: user.name, username: user.username };
  const f = selection.userFields;
  if (f.size === 0) return out;
  if (f.has('created_at')) out.created_at = user.createdAt;
  if (f.has('description')) out.description = user.description;
  if (f.has('location') && user.location !== undefined) out.location = user.location;
  if (f.has('verified')) out.verified = user.verified;
  if (f.has('verified_type')) out.verified_type = user.verified ? (user.kind === 'brand' ? 'business' : 'blue') : 'none';
  if (f.has('protected')) out.protected = user.protected;
  if (f.has('public_metrics')) out.public_metrics = store.publicMetrics(user);
  if (f.has('profile_image_url')) {
    out.profile_image_url = `https://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg`;
  }
  if (f.has('url')) out.url = '';
  if (f.has('connection_status') && viewer) {
    const status: string[] = [];
    if (viewer.id !== user.id) {
      if (store.isFollowing(user.id, viewer.id)) status.push('followed_by');
      if (store.isFollowing(viewer.id, user.id)) status.push('following');
    }
    out.connection_status = status;
  }
  if (f.has('receives_your_dm') && viewer) {
    // Exactly the rule POST .../messages applies, so a pre-check never disagrees with the send.
    out.receives_your_dm = canSendDm(store, viewer, user);
  }
  if (f.has('most_recent_tweet_id')) {
    const latest = store.recentTweetsOf(user.id, 1)[0];
    if (latest) out.most_recent_tweet_id = latest.id;
  }
  return out;
}
