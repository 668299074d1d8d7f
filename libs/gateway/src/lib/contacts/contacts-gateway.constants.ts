/** DI token of the ContactsGatewayDeps (provided by GatewayModule.register, memory defaults when the app gives none). */
export const GATEWAY_CONTACTS = Symbol('GATEWAY_CONTACTS');

/** A customer's history: interactions per page. */
export const DEFAULT_HISTORY_PAGE = 20;
export const MAX_HISTORY_PAGE = 50;
