import { Injectable } from '@nestjs/common';
import { type InteractionView } from '@perch/interactions';
import { LRUCache } from 'lru-cache';

/** Views kept in memory for agents connected here; bounded so an idle replica cannot grow forever. */
const MAX_CACHED_VIEWS = 10_000;

/**
 * What this replica's own fan-out stream says about interactions of agents connected here. It may be ahead
 * of the store (written by the shared projector), which is why requests consult it too.
 */
@Injectable()
export class LocalViewCache {
  private readonly views = new LRUCache<string, InteractionView>({ max: MAX_CACHED_VIEWS });

  /** A peek: recency follows the stream's writes (as with the Map before); a read does not renew an entry. */
  get(interactionId: string): InteractionView | undefined {
    return this.views.peek(interactionId);
  }

  has(interactionId: string): boolean {
    return this.views.has(interactionId);
  }

  delete(interactionId: string): void {
    this.views.delete(interactionId);
  }

  remember(view: InteractionView): void {
    this.views.set(view.id, view);
  }
}
