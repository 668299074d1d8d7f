import type { SupervisorQueuesView } from '@perch/desktop-api';
import { type ReactNode } from 'react';

import { formatDuration, oldestWaitMs, queueRows, serviceLevelCell } from './dashboard-state.util';

/** The share of interactions that should be answered within the threshold ("80 % in 60 s"). */
export const SERVICE_LEVEL_TARGET = 0.8;

/** Per queue and for the tenant: what waits now, the oldest wait (running), today's counts and the service level. */
export function QueueTable({ view, now }: { view: SupervisorQueuesView; now: number }): ReactNode {
  const thresholdSeconds = Math.round(view.serviceLevelThresholdMs / 1000);
  return (
    <section className="sup-panel" aria-labelledby="sup-queues-title">
      <h2 id="sup-queues-title">
        Queues <small>service level: {Math.round(SERVICE_LEVEL_TARGET * 100)} % answered within {thresholdSeconds} s · counts since midnight UTC</small>
      </h2>
      <table className="sup-table" data-testid="queue-table">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Oldest wait</th>
            <th scope="col">Agents available</th>
            <th scope="col">Offered</th>
            <th scope="col">Answered</th>
            <th scope="col">Abandoned</th>
            <th scope="col">Avg answer</th>
            <th scope="col">Service level</th>
          </tr>
        </thead>
        <tbody>
          {queueRows(view).map((row) => {
            const sl = serviceLevelCell(row.serviceLevel, SERVICE_LEVEL_TARGET);
            const total = row.id === 'total';
            return (
              <tr key={row.id} data-testid={`queue-${row.id}`} className={total ? 'sup-total' : undefined}>
                <th scope="row">{total ? 'All queues' : row.id}</th>
                <td data-testid="waiting">{row.waiting}</td>
                <td data-testid="oldest-wait">{formatDuration(oldestWaitMs(row, now))}</td>
                <td>{row.agentsAvailable}</td>
                <td data-testid="offered">{row.offered}</td>
                <td data-testid="answered">{row.answered}</td>
                <td>{row.abandoned}</td>
                <td>{formatDuration(row.averageAnswerMs)}</td>
                <td data-testid="service-level" data-status={sl.status} className={`sup-sl sup-sl-${sl.status}`}>
                  {sl.text}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
