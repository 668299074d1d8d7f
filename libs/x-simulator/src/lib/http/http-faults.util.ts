/** A fault played on X API requests (never on /admin): X being slow, down, or throttling. */
export interface HttpFaultRule {
  /** Answer with this status: 5xx (an outage) or 429 (a rate-limit storm). */
  status: number;
  /** How many matching requests get it. */
  count: number;
  /** Only requests whose path starts with this (e.g. "/2/tweets"); all of /2/ when unset. */
  path?: string;
  method?: string;
  /**
   * Carry the request out first and fail only the answer: X created the tweet but the client saw a 503,
   * the case that makes a naive retry post twice.
   */
  afterEffect?: boolean;
}

export interface HttpFaultsSpec {
  /** Added to every X API answer. */
  latencyMs?: number;
  rules?: HttpFaultRule[];
}

export class HttpFaults {
  latencyMs = 0;
  private rules: HttpFaultRule[] = [];

  set(spec: HttpFaultsSpec): void {
    if (spec.latencyMs !== undefined) this.latencyMs = spec.latencyMs;
    if (spec.rules) this.rules.push(...spec.rules.map((r) => ({ ...r })));
  }

  clear(): void {
    this.latencyMs = 0;
    this.rules = [];
  }

  /** The rule this request falls under, counting it down; undefined when none applies. */
  take(method: string, path: string): HttpFaultRule | undefined {
    const rule = this.rules.find(
      (r) => r.count > 0 && path.startsWith(r.path ?? '/2/') && (r.method === undefined || r.method.toUpperCase() === method.toUpperCase()),
    );
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count === 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }

  pending(): HttpFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }
}

export function faultResponse(rule: HttpFaultRule, nowMs: number): { status: number; body: unknown; headers: Record<string, string> } {
  if (rule.status === 429) {
    const reset = Math.ceil(nowMs / 1000) + 1;
    return {
      status: 429,
      body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
      headers: { 'x-rate-limit-limit': '1', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
    };
  }
  return {
    status: rule.status,
    body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: rule.status },
    headers: {},
  };
}
