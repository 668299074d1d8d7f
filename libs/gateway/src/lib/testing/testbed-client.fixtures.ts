// Spec support: it uses Jest's expect, so the library's entry point does not export it (production loads that).

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

/** A call on the gateway's REST API as the desktop makes it: a JSON body and a bearer token when given; an empty answer reads as {}. */
export async function requestJson(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<JsonResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** An agent's calls on a testbed, as the specs make them. */
export interface TestbedClient {
  request(method: string, path: string, body?: unknown, token?: string): Promise<JsonResponse>;
  /** Signs in, expecting 201 Created; the token. */
  signIn(username: string, password: string): Promise<string>;
}

/** `baseUrl` is read at each call: the specs start their testbed in beforeAll, after making the client. */
export function testbedClient(baseUrl: () => string): TestbedClient {
  const request: TestbedClient['request'] = (method, path, body, token) => requestJson(baseUrl(), method, path, body, token);
  return {
    request,
    signIn: async (username, password) => {
      const response = await request('POST', '/api/auth/sign-in', { username, password });
      expect(response.status).toBe(201);
      return String(response.body['token']);
    },
  };
}
