import type { SupervisedAgentView } from '@perch/desktop-api';
import { type ReactNode, useMemo, useState } from 'react';

import { type AgentQuery, type AgentsById, agentPage, type AgentSort, type AgentStateFilter, formatDuration, stateCounts, timeInStateMs } from './dashboard-state.util';

const PAGE_SIZE = 50;
const STATE_LABELS: Record<SupervisedAgentView['state'], string> = { ready: 'Ready', 'not-ready': 'Not ready', 'wrap-up': 'Wrap-up', offline: 'Offline' };

export interface AgentActions {
  setNotReady(agentId: string, reason: string): Promise<void>;
  /** Resolves with what to tell the supervisor (the router's record shows the rest on the next push). */
  signOut(agentId: string): Promise<string>;
}

/**
 * Every agent the router knows, one page at a time (filter, sort, page: a floor of thousands renders 50 rows), with
 * state, reason, time in state (running) and load per channel, and the supervisor's actions on each.
 */
export function AgentTable({ agents, reasons, now, actions }: { agents: AgentsById; reasons: string[]; now: number; actions: AgentActions }): ReactNode {
  const [query, setQuery] = useState<AgentQuery>({ text: '', state: 'all', sort: 'state', page: 0, pageSize: PAGE_SIZE });
  const page = useMemo(() => agentPage(agents, query, now), [agents, query, now]);
  const counts = useMemo(() => stateCounts(agents), [agents]);
  const update = (change: Partial<AgentQuery>): void => setQuery((current) => ({ ...current, page: 0, ...change }));

  return (
    <section className="sup-panel" aria-labelledby="sup-agents-title">
      <h2 id="sup-agents-title">
        Agents{' '}
        <small data-testid="agent-counts">
          {agents.size} known · {counts.ready} ready · {counts['not-ready']} not ready · {counts['wrap-up']} in wrap-up · {counts.offline} offline
        </small>
      </h2>
      <div className="sup-filters">
        <input type="search" placeholder="Find an agent" aria-label="Find an agent" value={query.text} onChange={(event) => update({ text: event.target.value })} data-testid="agent-search" />
        <select aria-label="State" value={query.state} onChange={(event) => update({ state: event.target.value as AgentStateFilter })}>
          <option value="all">Every state</option>
          {Object.entries(STATE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select aria-label="Sort by" value={query.sort} onChange={(event) => update({ sort: event.target.value as AgentSort })}>
          <option value="state">Sort by state</option>
          <option value="name">Sort by name</option>
          <option value="time-in-state">Longest in state</option>
          <option value="load">Busiest</option>
        </select>
      </div>
      <table className="sup-table" data-testid="agent-table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col">Reason</th>
            <th scope="col">Time in state</th>
            <th scope="col">Load</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((agent) => (
            <AgentRow key={agent.agentId} agent={agent} reasons={reasons} now={now} actions={actions} />
          ))}
          {page.rows.length === 0 && (
            <tr>
              <td colSpan={6} className="sup-empty">
                No agent matches.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <nav className="sup-pager" aria-label="Agent pages">
        <button type="button" disabled={page.page === 0} onClick={() => setQuery((current) => ({ ...current, page: page.page - 1 }))}>
          Previous
        </button>
        <span data-testid="agent-page">
          Page {page.page + 1} of {page.pages} ({page.total} agents)
        </span>
        <button type="button" disabled={page.page >= page.pages - 1} onClick={() => setQuery((current) => ({ ...current, page: page.page + 1 }))}>
          Next
        </button>
      </nav>
    </section>
  );
}

function AgentRow({ agent, reasons, now, actions }: { agent: SupervisedAgentView; reasons: string[]; now: number; actions: AgentActions }): ReactNode {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const name = agent.displayName ?? agent.agentId;

  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const outcome = await action();
      if (typeof outcome === 'string') setDone(outcome);
    } catch (failure) {
      setProblem(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <tr data-testid={`agent-${agent.agentId}`} data-state={agent.state}>
      <th scope="row">
        {name}
        {agent.displayName && <span className="sup-muted"> {agent.agentId}</span>}
      </th>
      <td data-testid="state">
        <span className={`sup-state sup-state-${agent.state}`}>{STATE_LABELS[agent.state]}</span>
      </td>
      <td data-testid="reason">{agent.reason ?? ''}</td>
      <td data-testid="time-in-state">{formatDuration(timeInStateMs(agent, now))}</td>
      <td data-testid="load" title={`Public ${agent.loadByChannel.public}/${agent.capacityByChannel.public} · DM ${agent.loadByChannel.dm}/${agent.capacityByChannel.dm}`}>
        {agent.load}/{agent.capacity}
        <span className="sup-muted">
          {' '}
          (public {agent.loadByChannel.public}, DM {agent.loadByChannel.dm})
        </span>
      </td>
      <td className="sup-actions">
        {agent.state !== 'offline' && (
          <>
            <select aria-label={`Not-ready reason for ${name}`} value={reason} onChange={(event) => setReason(event.target.value)} data-testid="reason-select" disabled={busy}>
              <option value="">Reason…</option>
              {reasons.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
            <button type="button" disabled={busy || reason === ''} onClick={() => void run(() => actions.setNotReady(agent.agentId, reason))} data-testid="set-not-ready">
              Set not ready
            </button>
          </>
        )}
        {/* Offline to the router does not mean signed out: a session may still be open (signed in, never ready). */}
        {confirming ? (
          <>
            <button type="button" className="sup-danger" disabled={busy} onClick={() => void run(() => actions.signOut(agent.agentId))} data-testid="confirm-sign-out">
              Sign {name} out
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" disabled={busy} onClick={() => setConfirming(true)} data-testid="sign-out-agent">
            Sign out
          </button>
        )}
        {done && (
          <span role="status" className="sup-muted" data-testid="action-done">
            {done}
          </span>
        )}
        {problem && (
          <span role="alert" className="sup-problem">
            {problem}
          </span>
        )}
      </td>
    </tr>
  );
}
