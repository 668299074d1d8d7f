import type { DeskConfig, OfferMessage } from '@perch/desktop-api';
import { createContext, type Dispatch, useContext } from 'react';

import { type DeskAction, type DeskState, type Notice } from './desk-reducer.domain';

/** What the desk's side effects do for its components (REST calls that then dispatch). */
export interface DeskActions {
  askPresence: (state: 'ready' | 'not-ready', reason?: string) => Promise<void>;
  decide: (offer: OfferMessage, decision: 'accept' | 'decline') => Promise<void>;
  loadProfile: (interactionId: string, fresh: boolean) => Promise<void>;
  loadRoster: () => Promise<void>;
  notify: (text: string, kind: Notice['kind'], commandId?: string) => void;
}

export interface Desk {
  state: DeskState;
  dispatch: Dispatch<DeskAction>;
  actions: DeskActions;
  /** The gateway's settings for the desk (GET /api/config); null until read, or where the gateway has none. */
  config: DeskConfig | null;
  /** A colleague's name from the roster ("You" for this agent). */
  nameOf: (agentId: string) => string;
}

export const DeskContext = createContext<Desk | null>(null);

export function useDesk(): Desk {
  const desk = useContext(DeskContext);
  if (!desk) throw new Error('useDesk outside the agent desk');
  return desk;
}
