// What supervisors' charts read (GET /api/supervisor/series) and are pushed (`series` of `supervisor-snapshot`):
// declared once in @perch/desktop-api, which the SPA's dashboard reads too.
export type { SeriesBucketView, SupervisorSeriesView, SupervisorSignOutResponse } from '@perch/desktop-api';
