import type { SeriesBucketView } from '@perch/desktop-api';
import { BarElement, CategoryScale, Chart as ChartJS, type ChartData, type ChartOptions, Legend, LinearScale, Tooltip } from 'chart.js';
import { type ReactNode, useMemo } from 'react';
import { Bar } from 'react-chartjs-2';

import { type ChartSeries, HOUR_MS, interactionsPerHour, mixPerHour, seriesTotals } from './dashboard-state.util';

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);

const COLORS: Record<string, string> = {
  created: '#2563eb',
  answered: '#16a34a',
  completed: '#9333ea',
  positive: '#16a34a',
  neutral: '#94a3b8',
  negative: '#dc2626',
  undeclared: '#e2e8f0',
  actionable: '#ea580c',
  'not-actionable': '#64748b',
};

// No animation: the charts redraw on every push, and a screenshot shows what is there, not a frame of a tween.
const COUNT_OPTIONS: ChartOptions<'bar'> = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  plugins: { legend: { position: 'bottom' } },
};

const SHARE_OPTIONS: ChartOptions<'bar'> = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  scales: { x: { stacked: true }, y: { stacked: true, min: 0, max: 100, ticks: { callback: (value) => `${value} %` } } },
  plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.parsed.y} %` } } },
};

function chartData(series: ChartSeries): ChartData<'bar'> {
  return {
    labels: series.labels,
    datasets: series.datasets.map((set) => ({ label: set.label, data: set.data, backgroundColor: COLORS[set.key] ?? '#94a3b8' })),
  };
}

/**
 * The last 24 hours, by hour: interactions that arrived, were answered and completed, and the arrivals' sentiment and
 * actionability as shares of each hour. The data change with the pushes and when the hour turns.
 */
export function DashboardCharts({ buckets, now }: { buckets: SeriesBucketView[]; now: number }): ReactNode {
  const hour = Math.floor(now / HOUR_MS);
  const perHour = useMemo(() => chartData(interactionsPerHour(buckets, hour * HOUR_MS)), [buckets, hour]);
  const sentiment = useMemo(() => chartData(mixPerHour(buckets, hour * HOUR_MS, 'sentiment')), [buckets, hour]);
  const actionability = useMemo(() => chartData(mixPerHour(buckets, hour * HOUR_MS, 'actionability')), [buckets, hour]);
  const totals = useMemo(() => seriesTotals(buckets), [buckets]);
  return (
    <section className="sup-charts" aria-label="Last 24 hours">
      <figure className="sup-panel sup-chart-wide" data-testid="chart-interactions" data-created={totals.created} data-answered={totals.answered} data-completed={totals.completed}>
        <figcaption>
          Interactions per hour <small>last 24 h: {totals.created} arrived · {totals.answered} answered · {totals.completed} completed</small>
        </figcaption>
        <div className="sup-chart-box">
          <Bar options={COUNT_OPTIONS} data={perHour} aria-label="Interactions per hour" role="img" />
        </div>
      </figure>
      <figure className="sup-panel" data-testid="chart-sentiment">
        <figcaption>Sentiment mix per hour</figcaption>
        <div className="sup-chart-box">
          <Bar options={SHARE_OPTIONS} data={sentiment} aria-label="Sentiment mix per hour" role="img" />
        </div>
      </figure>
      <figure className="sup-panel" data-testid="chart-actionability">
        <figcaption>Actionability mix per hour</figcaption>
        <div className="sup-chart-box">
          <Bar options={SHARE_OPTIONS} data={actionability} aria-label="Actionability mix per hour" role="img" />
        </div>
      </figure>
    </section>
  );
}
