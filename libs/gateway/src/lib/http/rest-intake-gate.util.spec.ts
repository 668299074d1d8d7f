import { EventEmitter } from 'node:events';
import { type IncomingMessage, type ServerResponse } from 'node:http';

import { RestIntakeGate } from './rest-intake-gate.util';

/** A response as the gate sees it: its events, and what a refusal writes. */
class FakeResponse extends EventEmitter {
  statusCode = 200;
  readonly headers: Record<string, string> = {};
  body: string | undefined;
  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }
  end(body: string): void {
    this.body = body;
  }
}

function pass(gate: RestIntakeGate): { res: FakeResponse; passed: boolean } {
  const res = new FakeResponse();
  let passed = false;
  gate.middleware({} as IncomingMessage, res as unknown as ServerResponse, () => {
    passed = true;
  });
  return { res, passed };
}

describe('RestIntakeGate', () => {
  it('refuses a bound that is not a positive integer', () => {
    expect(() => new RestIntakeGate(0)).toThrow(/positive integer/);
    expect(() => new RestIntakeGate(1.5)).toThrow(/positive integer/);
  });

  it('lets requests through up to the bound and refuses the next with 503 gateway-busy, without calling the handler', () => {
    const gate = new RestIntakeGate(2);
    expect([pass(gate).passed, pass(gate).passed]).toEqual([true, true]);
    const refused = pass(gate);
    expect(refused.passed).toBe(false);
    expect(refused.res.statusCode).toBe(503);
    expect(refused.res.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.res.body ?? '{}')).toMatchObject({ code: 'gateway-busy' });
    expect(gate.stats()).toEqual({ inFlight: 2, refused: 1, max: 2 });
  });

  it('frees one place per request, whether its answer finished, its connection closed, or both', () => {
    const gate = new RestIntakeGate(3);
    const finished = pass(gate).res;
    const closed = pass(gate).res;
    const both = pass(gate).res;
    finished.emit('finish');
    closed.emit('close');
    both.emit('finish');
    both.emit('close');
    expect(gate.stats().inFlight).toBe(0);
    expect(pass(gate).passed).toBe(true);
  });
});
