import type { HttpMethod, RouteDefinition } from './route.types';

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

export interface RouteMatch {
  route: RouteDefinition;
  params: Record<string, string>;
}

/** First match wins, so list literal paths (/2/users/me) before parameterised ones (/2/users/:id). */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly RouteDefinition[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          if (segment.startsWith(':')) {
            names.push(segment.slice(1));
            return '([^/]+)';
          }
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The matching route, or 'method-not-allowed' when only the path matched. */
  match(method: string, pathname: string): RouteMatch | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const { route, pattern, names } of this.compiled) {
      const m = pattern.exec(pathname);
      if (!m) continue;
      if (route.method !== (method as HttpMethod)) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      for (const [i, name] of names.entries()) {
        // Every :name compiled to one non-optional group, so a match always has a value for it.
        const value = m.at(i + 1);
        if (value === undefined) throw new Error(`Route ${route.path} matched without a value for :${name}`);
        params[name] = decodeURIComponent(value);
      }
      return { route, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}
