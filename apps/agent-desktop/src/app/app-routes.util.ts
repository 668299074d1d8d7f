import { AdminUsersPage } from './admin/admin-users.page';
import { ContactsPage } from './contacts/contacts.page';
import { type AppRoute } from './core/router.util';
import { AgentDeskPage } from './desk/agent-desk.page';
import { DispositionsPage } from './supervisor/dispositions.page';
import { StandardResponsesPage } from './supervisor/standard-responses.page';
import { SupervisorDashboardPage } from './supervisor/supervisor-dashboard.page';

/**
 * Every page of the SPA: add a route here (and its path prefix to the gateway's desktop module, which serves
 * index.html for it). The first route a role may open is its home.
 */
export const ROUTES: readonly AppRoute[] = [
  { path: '/', page: AgentDeskPage, roles: ['agent', 'supervisor', 'admin'], label: 'Desktop' },
  { path: '/contacts', page: ContactsPage, roles: ['agent', 'supervisor', 'admin'], label: 'Contacts' },
  { path: '/supervisor', page: SupervisorDashboardPage, roles: ['supervisor', 'admin'], label: 'Supervisor' },
  { path: '/supervisor/responses', page: StandardResponsesPage, roles: ['supervisor', 'admin'], label: 'Responses' },
  { path: '/supervisor/dispositions', page: DispositionsPage, roles: ['supervisor', 'admin'], label: 'Dispositions' },
  { path: '/admin', page: AdminUsersPage, roles: ['admin'], label: 'Admin' },
];
