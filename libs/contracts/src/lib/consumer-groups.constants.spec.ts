import {
  agentStatePushGroup,
  ConsumerGroups,
  correctionsPushGroup,
  gatewayFanOutGroup,
  gatewayPushGroup,
  repliesPushGroup,
  replayCursorGroup,
  routingPushGroup,
  supervisorAgentsPushGroup,
  supervisorPushGroup,
} from './consumer-groups.constants';

// Kafka keeps committed offsets under these exact ids: a renamed group replays its topic from the earliest offset.
describe('ConsumerGroups', () => {
  it('keeps the ids the running clusters have committed offsets under', () => {
    expect(ConsumerGroups).toEqual({
      Classifier: 'classifier',
      RouterClassified: 'router.classified',
      RouterCommands: 'router.commands',
      Outbound: 'gateway-outbound',
      GatewayRouting: 'gateway.routing.interaction.v1',
      GatewayReplies: 'gateway.x.outbound.completed.v1',
      GatewayCorrections: 'gateway.classification.corrected.v1',
      ProjectorRouting: 'gateway-projector-routing',
      ProjectorReplies: 'gateway-projector-replies',
      ProjectorCorrections: 'gateway-projector-corrections',
      CorrectionsRecorder: 'gateway-corrections-recorder',
      AuditRouting: 'gateway-audit-routing',
      AuditOutbound: 'gateway-audit-outbound',
      SupervisorCounters: 'gateway-supervisor-counters',
      DeadLetterReplay: 'perch-dlq-replay',
    });
  });

  it("names each gateway replica's fan-out groups and each dead-letter replay cursor as before", () => {
    expect([routingPushGroup('gw-1'), repliesPushGroup('gw-1'), correctionsPushGroup('gw-1')]).toEqual([
      'gateway-ws-gw-1',
      'gateway-ws-gw-1-replies',
      'gateway-ws-gw-1-corrections',
    ]);
    expect(agentStatePushGroup('gw-1')).toBe('gateway-ws-gw-1-agents');
    expect([supervisorPushGroup('gw-1'), supervisorAgentsPushGroup('gw-1')]).toEqual(['gateway-ws-gw-1-supervisor', 'gateway-ws-gw-1-supervisor-agents']);
    expect(gatewayFanOutGroup('gw-1', 'routing.agent.v1')).toBe('gateway-ws-gw-1.routing.agent.v1');
    expect([replayCursorGroup(), replayCursorGroup('classifier')]).toEqual(['perch-dlq-replay', 'perch-dlq-replay.classifier']);
  });

  it("names a replica's one push group apart from every retired one, whatever the replica id", () => {
    expect(gatewayPushGroup('gw-1')).toBe('gateway-push-gw-1');
    // The retired replica groups all start with gateway-ws-: no replica id makes the new one collide with them.
    for (const id of ['gw-1', 'ws-gw-1', 'push-gw-1']) expect(gatewayPushGroup(id).startsWith('gateway-ws-')).toBe(false);
  });

  it('gives every shared group its own id', () => {
    const ids = Object.values(ConsumerGroups);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
