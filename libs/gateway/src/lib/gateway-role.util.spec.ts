import { type GatewayOptions } from './gateway-deps.types';
import { GATEWAY_ROLES, gatewayRunOf } from './gateway-role.util';

type Part = keyof NonNullable<GatewayOptions['run']>;
// Every part a role can turn off; the health endpoint is the app's choice, not the role's.
const PARTS = ['outboundWorker', 'projector', 'correctionRecorder', 'auditRecorder', 'supervisorCounters', 'agentEdge'] as const satisfies readonly Part[];
// Does not compile when a part is added to GatewayOptions.run without being listed above.
const EVERY_PART_LISTED: Exclude<Part, (typeof PARTS)[number] | 'healthEndpoint'> extends never ? true : never = true;
const runs = (role: (typeof GATEWAY_ROLES)[number], part: Part): boolean => gatewayRunOf(role)[part] !== false;

describe('gatewayRunOf', () => {
  it('runs every part in one process with the role all', () => {
    expect(PARTS.filter((part) => !runs('all', part))).toEqual([]);
  });

  it('gives each part to exactly one of edge and worker, so a split cluster does all the work and none twice', () => {
    expect(EVERY_PART_LISTED).toBe(true);
    for (const part of PARTS) expect({ part, runBy: (['edge', 'worker'] as const).filter((role) => runs(role, part)).length }).toEqual({ part, runBy: 1 });
  });

  it('keeps what agents talk to on the edge and the shared Kafka-side work on the worker', () => {
    expect(PARTS.filter((part) => runs('edge', part))).toEqual(['agentEdge']);
    expect(PARTS.filter((part) => runs('worker', part))).toEqual(['outboundWorker', 'projector', 'correctionRecorder', 'auditRecorder', 'supervisorCounters']);
  });
});
