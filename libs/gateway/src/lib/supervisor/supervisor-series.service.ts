import { Inject, Injectable } from '@nestjs/common';
import { type Clock, systemClock } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_INTERACTION_SERIES, GATEWAY_OPTIONS } from '../gateway.constants';
import { type InteractionSeriesStore, type SeriesBucket } from './interaction-series-store.port';
import { type SeriesBucketMinutes, seriesView, seriesWindow } from './supervisor-series.domain';
import { type SupervisorSeriesView } from './supervisor-series.types';
import { unavailableAsRetryable } from './supervisor-data.service';

export const DEFAULT_SERIES_HOURS = 24;
export const DEFAULT_SERIES_BUCKET_MINUTES: SeriesBucketMinutes = 5;

/**
 * Supervisors' charts: interactions created, answered and completed, and the arrivals' sentiment and actionability,
 * per bucket over the last hours, from counters the lifecycle events fill (InteractionSeriesStore). A read is
 * O(hours) whatever the traffic: never a scan of the interactions.
 */
@Injectable()
export class SupervisorSeriesService {
  private readonly clock: Clock;

  constructor(
    @Inject(GATEWAY_INTERACTION_SERIES) readonly store: InteractionSeriesStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  now(): number {
    return this.clock.now();
  }

  async series(hours = DEFAULT_SERIES_HOURS, bucketMinutes: SeriesBucketMinutes = DEFAULT_SERIES_BUCKET_MINUTES): Promise<SupervisorSeriesView> {
    const at = this.clock.now();
    const window = seriesWindow(at, hours, bucketMinutes);
    const stored = await unavailableAsRetryable(() => this.store.bucketsBetween(window.from, window.to));
    return seriesView(stored, window, at);
  }

  /** The stored buckets starting in [from, to), for the pushes. */
  bucketsBetween(from: number, to: number): Promise<SeriesBucket[]> {
    return unavailableAsRetryable(() => this.store.bucketsBetween(from, to));
  }
}
