import { Injectable } from '@nestjs/common';
import { type InteractionView } from '@perch/interactions';

/** Views kept in memory for agents connected here; bounded so an idle replica cannot grow forever. */
const MAX_CACHED_VIEWS = 10_000;

/**
 * What this replica's own fan-out stream says about interactions of agents connected here. It may be ahead
 * of the store (written by the shared projector), which is why requests consult it too.
 */
@Injectable()
export class LocalViewCache {
  private readonly views = new Map<string, InteractionView>();

  get(interactionId: string): InteractionView | undefined {
    return this.views.get(interactionId);
  }

  has(interactionId: string): boolean {
    return this.views.has(interactionId);
  }

  delete(interactionId: string): void {
    this.views.delete(interactionId);
  }

  remember(view: InteractionView): void {
    this.views.delete(view.id);
    this.views.set(view.id, view);
    if (this.views.size > MAX_CACHED_VIEWS) {
      const oldest = this.views.keys().next().value;
      if (oldest !== undefined) this.views.delete(oldest);
    }
  }
}
