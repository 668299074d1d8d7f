// X's RFC 7807 problem bodies. Detail strings are the ones X sends (reference §2.1, §3) so that code
// matching on them in production behaves the same against the simulator.

export const PROBLEM_BASE = 'https://api.twitter.com/2/problems';

export interface ProblemBody {
  title: string;
  detail: string;
  type: string;
  status?: number;
  [extra: string]: unknown;
}

export const TWEET_TOO_LONG_DETAIL =
  'Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.';
export const DUPLICATE_CONTENT_DETAIL = 'You are not allowed to create a Tweet with duplicate content.';
export const REPLY_NOT_ALLOWED_DETAIL =
  'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.';
export const REPLY_TO_MISSING_DETAIL = 'You attempted to reply to a Tweet that is deleted or not visible to you.';
export const TOO_MANY_CONNECTIONS_DETAIL = 'This stream is currently at the maximum allowed connection limit.';
/** The v2 wording is unconfirmed (reference §2.6); this is v1.1's code 349 text, as the reference suggests. */
export const DM_NOT_ALLOWED_DETAIL = 'You cannot send messages to this user.';

export function unauthorized(): ProblemBody {
  return { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
}

export function tooManyRequests(): ProblemBody {
  return { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };
}

export function forbidden(detail: string): ProblemBody {
  return { title: 'Forbidden', detail, type: 'about:blank', status: 403 };
}

export function notFoundRoute(): ProblemBody {
  return { title: 'Not Found', detail: 'Not Found', type: 'about:blank', status: 404 };
}

export function unsupportedAuthentication(used: 'app' | 'user'): ProblemBody {
  const detail =
    used === 'app'
      ? 'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].'
      : 'Authenticating with OAuth 2.0 User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 Application-Only].';
  return { title: 'Unsupported Authentication', detail, type: `${PROBLEM_BASE}/unsupported-authentication`, status: 403 };
}

export interface InvalidParameter {
  parameter: string;
  value: string;
  message: string;
}

export function invalidRequest(problems: readonly InvalidParameter[]): ProblemBody {
  return {
    errors: problems.map((p) => ({ parameters: { [p.parameter]: [p.value] }, message: p.message })),
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEM_BASE}/invalid-request`,
  };
}

export interface ResourceNotFoundEntry {
  value: string;
  detail: string;
  title: string;
  resource_type: string;
  parameter: string;
  resource_id: string;
  type: string;
}

/** The partial-error object X puts in `errors[]` for an id or username it cannot find. */
export function resourceNotFound(
  resourceType: 'user' | 'tweet',
  parameter: string,
  value: string,
): ResourceNotFoundEntry {
  const what = resourceType === 'user' ? 'user' : 'tweet';
  const key = parameter === 'username' ? 'username' : 'id';
  return {
    value,
    detail: `Could not find ${what} with ${key}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: `${PROBLEM_BASE}/resource-not-found`,
  };
}

/** A whole-request not-found (a POST naming a user that does not exist), as opposed to errors[] entries. */
export function notFoundProblem(resourceType: 'user' | 'tweet', parameter: string, value: string): ProblemBody {
  return { ...resourceNotFound(resourceType, parameter, value), status: 404 };
}

/**
 * Webhook and Account Activity refusals: an invalid-request whose message starts with X's reason
 * (CrcValidationFailed, DuplicateUrlFailed, WebhookIdInvalid, ...), the form seen from the real API.
 */
export function webhookRefusal(reason: string, explanation: string, parameter: string, value: string): ProblemBody {
  return invalidRequest([{ parameter, value, message: `${reason}: ${explanation}` }]);
}

export function tooManyConnections(): ProblemBody {
  return {
    title: 'ConnectionException',
    detail: TOO_MANY_CONNECTIONS_DETAIL,
    connection_issue: 'TooManyConnections',
    type: `${PROBLEM_BASE}/streaming-connection`,
  };
}

/** Body unconfirmed (reference §6); status 409 is documented. */
export function noRules(): ProblemBody {
  return {
    title: 'ConnectionException',
    detail: 'There are no rules on this stream. Add rules with POST /2/tweets/search/stream/rules before connecting.',
    connection_issue: 'NoRules',
    type: `${PROBLEM_BASE}/streaming-connection`,
  };
}

/** The disconnect_type values X sends before it closes a stream; the admin API's stream drop takes the same list. */
export const DISCONNECT_TYPES = [
  'OperationalDisconnect',
  'UpstreamOperationalDisconnect',
  'ForceDisconnect',
  'UpstreamUncleanDisconnect',
  'SlowReader',
  'InternalError',
  'ClientApplicationStateDegraded',
  'InvalidRules',
] as const;

export type DisconnectType = (typeof DISCONNECT_TYPES)[number];

/** The in-stream message X writes before it closes a stream. */
export function disconnectMessage(disconnectType: DisconnectType): { errors: Record<string, string>[] } {
  const detail =
    disconnectType === 'SlowReader'
      ? 'This stream has been disconnected because your client was unable to keep up with us.'
      : 'This stream has been disconnected upstream for operational reasons.';
  return {
    errors: [
      {
        title: 'operational-disconnect',
        disconnect_type: disconnectType,
        detail,
        type: `${PROBLEM_BASE}/operational-disconnect`,
      },
    ],
  };
}
