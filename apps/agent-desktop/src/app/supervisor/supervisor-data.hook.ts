import type {
  AgentPresenceView,
  SeriesBucketView,
  SupervisedAgentsPage,
  SupervisorQueuesView,
  SupervisorSeriesView,
  SupervisorSnapshotMessage,
} from '@perch/desktop-api';
import { useCallback, useEffect, useRef, useState } from 'react';

import { errorText } from '../core/api-client.adapter';
import { useServerMessages, useSession } from '../core/session.hook';
import { type AgentsById, applyAgentPush, applySeriesPush, SERIES_WINDOW_HOURS, settleLoad } from './dashboard-state.util';

/** Agents loaded per request (the gateway's maximum); a floor of 10,000 is 20 requests, once per (re)connect. */
const AGENT_PAGE = 500;

export interface SupervisorData {
  queues: SupervisorQueuesView | null;
  agents: AgentsById;
  series: SeriesBucketView[];
  /** The not-ready reasons a supervisor may set (the configured list). */
  reasons: string[];
  loading: boolean;
  error: string | null;
}

/**
 * The dashboard's data: loaded over REST on mount and after every reconnect (`hello`), then kept current by the
 * `supervisor-snapshot` pushes (queues whole, agents and chart buckets record by record). Pushes that arrive while a
 * load runs are applied again after it, so a load never rolls a newer push back.
 */
export function useSupervisorData(): SupervisorData {
  const { api } = useSession();
  const [queues, setQueues] = useState<SupervisorQueuesView | null>(null);
  const [agents, setAgents] = useState<AgentsById>(new Map());
  const [series, setSeries] = useState<SeriesBucketView[]>([]);
  const [reasons, setReasons] = useState<string[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const during = useRef<SupervisorSnapshotMessage[] | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = (generation.current += 1);
    during.current = [];
    setLoading(true);
    try {
      const [queuesNow, seriesNow, presence] = await Promise.all([
        api.get<SupervisorQueuesView>('/api/supervisor/queues'),
        api.get<SupervisorSeriesView>(`/api/supervisor/series?hours=${SERIES_WINDOW_HOURS}&bucketMinutes=5`),
        api.get<AgentPresenceView>('/api/agents/me/presence'),
      ]);
      const loaded = new Map<string, SupervisedAgentsPage['agents'][number]>();
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const page: SupervisedAgentsPage = await api.get<SupervisedAgentsPage>(`/api/supervisor/agents?limit=${AGENT_PAGE}${query}`);
        for (const agent of page.agents) loaded.set(agent.agentId, agent);
        cursor = page.nextCursor;
      } while (cursor !== null);
      if (mine !== generation.current) return;
      const settled = settleLoad({ queues: queuesNow, agents: loaded, buckets: seriesNow.buckets }, during.current ?? [], Date.now());
      during.current = null;
      setQueues(settled.queues);
      setAgents(settled.agents);
      setSeries(settled.buckets);
      setReasons(presence.reasons);
      setError(null);
    } catch (failure) {
      if (mine === generation.current) setError(errorText(failure));
    } finally {
      if (mine === generation.current) {
        during.current = null;
        setLoading(false);
      }
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  useServerMessages((message) => {
    // After a reconnect the pushes missed in between are not replayed: read everything again.
    if (message.type === 'hello') {
      void load();
      return;
    }
    if (message.type !== 'supervisor-snapshot') return;
    during.current?.push(message);
    setQueues(message.queues);
    if (message.agents.length > 0) setAgents((current) => applyAgentPush(current, message.agents));
    if (message.series) {
      const pushed = message.series;
      setSeries((current) => applySeriesPush(current, pushed, Date.now()));
    }
  });

  return { queues, agents, series, reasons, loading, error };
}

/** A clock that ticks every second, so waits and times in state keep running between pushes. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
