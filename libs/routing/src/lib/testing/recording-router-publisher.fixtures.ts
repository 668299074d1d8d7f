import { type AgentStatePayload, type EventEnvelope, expandLifecycleEvent, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { RecordingEventPublisher } from '@perch/messaging';

/** The shared recorder, with the router's lifecycle events in a readable form. */
export class RecordingRouterPublisher extends RecordingEventPublisher {
  /** routing.interaction.v1 as consumers read it: an offer that carries its interaction's creation is two events. */
  lifecycle(): EventEnvelope<InteractionLifecyclePayload>[] {
    return this.lifecycleMessages().flatMap((event) => expandLifecycleEvent(event) ?? [event]);
  }

  /** routing.interaction.v1 as sent: one envelope per message. */
  lifecycleMessages(): EventEnvelope<InteractionLifecyclePayload>[] {
    return this.on(Topics.InteractionLifecycle);
  }

  /** Lifecycle events as "type agentId?" strings, for readable assertions on what happened in order. */
  lifecycleSummary(): string[] {
    return this.lifecycle().map(({ payload }) =>
      payload.agentId === undefined ? payload.type : `${payload.type} ${payload.agentId}`,
    );
  }

  /** routing.agent.v1: the agents' states as the router published them. */
  agentStates(): EventEnvelope<AgentStatePayload>[] {
    return this.on(Topics.AgentState);
  }

  /** Agent states as "agentId state[/reason] by cause" strings. */
  agentStateSummary(): string[] {
    return this.agentStates().map(({ payload }) => `${payload.agentId} ${payload.state}${payload.reason === undefined ? '' : `/${payload.reason}`} by ${payload.cause}`);
  }
}
