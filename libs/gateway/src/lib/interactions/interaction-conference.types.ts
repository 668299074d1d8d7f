import { type InteractionView } from '@perch/interactions';

/** A colleague named in a conference: the id the router's record holds and the directory's display name. */
export interface ConferenceParticipant {
  id: string;
  name: string;
}

/** An interaction's conference as the router's record holds it at the read (ADR 13, 18), not as the projection trails it. */
export interface InteractionConference {
  holder: ConferenceParticipant;
  /** In the order they joined; never the holder. */
  guests: ConferenceParticipant[];
}

/** What GET /api/interactions and /:id answer: the projection's view and, while guests are in it, its conference. */
export type AgentInteractionView = InteractionView & { conference?: InteractionConference };
