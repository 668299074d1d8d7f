import './supervisor.css';

import type { CommandAccepted, PresenceRequest, SupervisorSignOutResponse } from '@perch/desktop-api';
import { type ReactNode, useMemo } from 'react';

import { TopBar } from '../core/top-bar.component';
import { useSession } from '../core/session.hook';
import { type AgentActions, AgentTable } from './agent-table.component';
import { DashboardCharts } from './dashboard-charts.component';
import { QueueTable } from './queue-table.component';
import { useNow, useSupervisorData } from './supervisor-data.hook';

/**
 * The supervisor's dashboard (/supervisor; supervisors and admins): queues, agents with their actions, and the last
 * 24 hours as charts, all live over the WebSocket. The router confirms an action by changing the agent's record,
 * which the next push shows: the table never shows what was asked for, only what the router holds.
 */
export function SupervisorDashboardPage(): ReactNode {
  const { api } = useSession();
  const data = useSupervisorData();
  const now = useNow();
  const actions = useMemo<AgentActions>(
    () => ({
      setNotReady: async (agentId, reason) => {
        await api.put<CommandAccepted>(`/api/agents/${encodeURIComponent(agentId)}/presence`, { state: 'not-ready', reason } satisfies PresenceRequest);
      },
      signOut: async (agentId) => {
        const result = await api.post<SupervisorSignOutResponse>(`/api/supervisor/agents/${encodeURIComponent(agentId)}/sign-out`);
        return result.socketsClosed === 1 ? 'Signed out; 1 desktop closed' : `Signed out; ${result.socketsClosed} desktops closed`;
      },
    }),
    [api],
  );

  return (
    <div className="sup-page">
      <TopBar />
      <main id="main" className="sup-main" data-testid="supervisor-dashboard" data-loading={data.loading}>
        {data.error && (
          <p role="alert" className="sup-problem">
            The dashboard could not be read: {data.error}
          </p>
        )}
        {data.queues && <QueueTable view={data.queues} now={now} />}
        <DashboardCharts buckets={data.series} now={now} />
        <AgentTable agents={data.agents} reasons={data.reasons} now={now} actions={actions} />
      </main>
    </div>
  );
}
