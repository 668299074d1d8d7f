// Types only: the gateway and the desktop SPA import them with `import type`.
export type * from './lib/admin-users.types';
export type * from './lib/contacts.types';
export type * from './lib/desk-config.types';
export type * from './lib/interaction.types';
export type * from './lib/rest.types';
export type * from './lib/supervisor.types';
export type * from './lib/supervisor-series.types';
export type * from './lib/ws-messages.types';
