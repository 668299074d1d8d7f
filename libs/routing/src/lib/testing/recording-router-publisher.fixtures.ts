import { type EventEnvelope, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { RecordingEventPublisher } from '@perch/messaging';

/** The shared recorder, with the router's lifecycle events in a readable form. */
export class RecordingRouterPublisher extends RecordingEventPublisher {
  lifecycle(): EventEnvelope<InteractionLifecyclePayload>[] {
    return this.on(Topics.InteractionLifecycle);
  }

  /** Lifecycle events as "type agentId?" strings, for readable assertions on what happened in order. */
  lifecycleSummary(): string[] {
    return this.lifecycle().map(({ payload }) =>
      payload.agentId === undefined ? payload.type : `${payload.type} ${payload.agentId}`,
    );
  }
}
