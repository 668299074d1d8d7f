import { ConsumerGroups, gatewayPushGroup, Topics } from '@perch/contracts';

import {
  NULL_HANDLED_LOOP_TOPOLOGY,
  NULL_PIPELINE_TOPOLOGY,
  NULL_STAGES,
  nullGroupsByTopic,
  type NullTopology,
  producedPerSource,
  readsPerSource,
  stageMark,
  stageOf,
  stagesPerSource,
  writesOf,
} from './null-pipeline-topology.constants';

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

describe('the null topologies', () => {
  it('make three messages of a tweet in the pipeline, read four times (the gateway reads the offer twice)', () => {
    expect(stagesPerSource(NULL_PIPELINE_TOPOLOGY)).toEqual(['received', 'classified', 'offered']);
    expect(sum(readsPerSource(NULL_PIPELINE_TOPOLOGY).values())).toBe(4);
  });

  it('make nine messages of a handled tweet, read thirteen times, as the apps write them in the handled phase', () => {
    expect(sum(producedPerSource(NULL_HANDLED_LOOP_TOPOLOGY).values())).toBe(9);
    expect(sum(readsPerSource(NULL_HANDLED_LOOP_TOPOLOGY).values())).toBe(13);
    expect(Object.fromEntries(producedPerSource(NULL_HANDLED_LOOP_TOPOLOGY))).toEqual({
      [Topics.InboundReceived]: 1,
      [Topics.InboundClassified]: 1,
      [Topics.InteractionLifecycle]: 3,
      [Topics.AgentCommand]: 2,
      [Topics.OutboundRequested]: 1,
      [Topics.OutboundCompleted]: 1,
    });
  });

  it('have the push group read every lifecycle event and reply outcome of a handled tweet: its end point', () => {
    expect(readsPerSource(NULL_HANDLED_LOOP_TOPOLOGY).get(gatewayPushGroup('bench'))).toBe(4);
    expect(readsPerSource(NULL_HANDLED_LOOP_TOPOLOGY).get(ConsumerGroups.RouterCommands)).toBe(2);
  });

  it('give each topic the groups the apps run on it', () => {
    const groups = nullGroupsByTopic(NULL_HANDLED_LOOP_TOPOLOGY);
    expect(groups.get(Topics.OutboundCompleted)).toEqual([ConsumerGroups.GatewayReplies, gatewayPushGroup('bench')].sort());
    expect(groups.get(Topics.InteractionLifecycle)).toEqual([ConsumerGroups.GatewayRouting, gatewayPushGroup('bench')].sort());
  });

  it("have each group forward only the stages it writes: the router's commands an accept as 'accepted' and a done as 'completed'", () => {
    const commands = writesOf(NULL_HANDLED_LOOP_TOPOLOGY.stages, ConsumerGroups.RouterCommands);
    expect(Object.fromEntries(commands)).toEqual({
      accept: [{ topic: Topics.InteractionLifecycle, mark: stageMark('accepted') }],
      done: [{ topic: Topics.InteractionLifecycle, mark: stageMark('completed') }],
    });
    const push = writesOf(NULL_HANDLED_LOOP_TOPOLOGY.stages, gatewayPushGroup('bench'));
    expect(push.get('accepted')).toEqual([
      { topic: Topics.OutboundRequested, mark: stageMark('reply') },
      { topic: Topics.AgentCommand, mark: stageMark('done') },
    ]);
    expect(push.has('completed')).toBe(false);
    expect(writesOf(NULL_PIPELINE_TOPOLOGY.stages, gatewayPushGroup('bench')).size).toBe(0);
  });

  it('mark each stage with one character that reads back as the same stage', () => {
    for (const stage of NULL_STAGES) expect(stageOf(`${stageMark(stage)}{"kind":"null"}`)).toBe(stage);
    expect(stageOf('{"kind":"null"}')).toBeUndefined();
  });

  it('refuse a topology whose stages lead back to themselves', () => {
    const looping: NullTopology = {
      name: 'pipeline',
      source: 'received',
      stages: { received: { topic: Topics.InboundReceived, next: { by: ConsumerGroups.Classifier, stages: ['received'] } } },
      services: [],
    };
    expect(() => stagesPerSource(looping)).toThrow(/loops at received/);
  });
});
