// What supervisors read (GET /api/supervisor/…) and are pushed (`supervisor-snapshot`): declared once in
// @perch/desktop-api, which the SPA's dashboard reads too.
export type {
  QueueCountsView,
  QueueLiveView,
  QueueView,
  SupervisedAgentsPage,
  SupervisedAgentView,
  SupervisorQueuesView,
} from '@perch/desktop-api';
