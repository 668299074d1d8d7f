import fc from 'fast-check';

import { EnvelopeHeader } from '../envelope/event-envelope.types';
import {
  classValidatorVerdict,
  EDGE_VALUES,
  type ReferenceVerdict,
  VALID_ENVELOPE_HEADERS,
  VALID_PAYLOADS,
} from '../testing/contract-samples.fixtures';
import { TOPIC_REGISTRY } from '../topic-map.types';
import { type CompiledValidation, compileContractValidator } from './contract-validator.util';

// The proof that the payload classes stay the one source of truth: for every topic and the envelope header, valid
// samples mutated at random (fields removed, wrong types, values on and past the bounds, extra fields, nulls, arrays
// and garbage where objects belong) get the same verdict, the same problems (fields, messages, order) and the same
// whitelisted output from the compiled validator as from plainToInstance + validateSync.

const RUNS = Number(process.env['CONTRACT_EQUIVALENCE_RUNS'] ?? 300);

type Step = { pick: number; op: 'delete' | 'replace' | 'edge' | 'extra' | 'wrap' | 'undefined'; value: unknown; key: string };

const garbage: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_VALUES) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.double() },
);

const step: fc.Arbitrary<Step> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'edge', 'extra', 'wrap', 'undefined'),
  value: garbage,
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'extra', 'id', 'type', 'payload')),
});

type Node = Record<string | number, unknown>;
type Path = (string | number)[];

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (value !== null && typeof value === 'object') {
    const out: Node = {};
    for (const key of Object.keys(value)) setOwn(out, key, clone((value as Node)[key]));
    return out;
  }
  return value;
}

// Own properties even for "__proto__", as JSON.parse makes them.
function setOwn(target: Node, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) out.push(...pathsOf((value as Node)[key], [...prefix, Array.isArray(value) ? Number(key) : key]));
  }
  return out;
}

function mutate(seed: object, steps: readonly Step[]): unknown {
  let root = clone(seed);
  for (const { pick, op, value, key } of steps) {
    const paths = pathsOf(root);
    const path = paths[pick % paths.length] as Path;
    const replace = (next: unknown): void => {
      if (path.length === 0) {
        root = next;
        return;
      }
      const parent = path.slice(0, -1).reduce<unknown>((node, part) => (node as Node)[part], root) as Node;
      const last = path[path.length - 1] as string | number;
      if (op === 'delete') {
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
      } else setOwn(parent, last, next);
    };
    const current = path.reduce<unknown>((node, part) => (node as Node)[part], root);
    if (op === 'delete') replace(undefined);
    else if (op === 'replace' || op === 'edge') replace(clone(value));
    else if (op === 'wrap') replace([current]);
    else if (op === 'undefined') replace(undefined);
    else if (Array.isArray(current)) current.push(clone(value));
    else if (current !== null && typeof current === 'object') setOwn(current as Node, key, clone(value));
    else replace(clone(value));
  }
  return root;
}

// Keys plainToInstance never copies into the objects it builds; outputs are compared without them.
const NEVER_COPIED = (key: string): boolean =>
  key === '__proto__' || key === 'constructor' || typeof (Object.prototype as Record<string, unknown>)[key] === 'function';

/** The data of an output: own enumerable fields that are set, through instances and arrays alike. */
function plainData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainData);
  if (value !== null && typeof value === 'object') {
    const out: Node = {};
    for (const key of Object.keys(value)) {
      const field = (value as Node)[key];
      if (field !== undefined && !NEVER_COPIED(key)) setOwn(out, key, plainData(field));
    }
    return out;
  }
  return value;
}

function onlyPlainObjects(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(onlyPlainObjects);
  if (value !== null && typeof value === 'object') {
    return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(onlyPlainObjects);
  }
  return true;
}

function expectSameVerdict(reference: ReferenceVerdict, compiled: CompiledValidation<unknown>, input: unknown): void {
  if ('threw' in reference) {
    // plainToInstance crashes on an object holding a "constructor" key where it guesses a type; the compiled validator
    // answers instead (a violation, or a pass when the field is one the contract does not check).
    expect(typeof compiled.valid).toBe('boolean');
    return;
  }
  const context = { input: JSON.stringify(input) };
  if (reference.valid) {
    expect({ ...context, compiled }).toEqual({ ...context, compiled: { valid: true, value: expect.anything() } });
    const value = (compiled as { value: unknown }).value;
    expect({ ...context, output: plainData(value) }).toEqual({ ...context, output: plainData(reference.value) });
    expect(onlyPlainObjects(value)).toBe(true);
  } else {
    expect({ ...context, compiled }).toEqual({ ...context, compiled: { valid: false, problems: reference.problems } });
  }
}

function isJsonObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface Target {
  name: string;
  cls: new () => object;
  seeds: readonly object[];
  prefix: string;
  /** decodeEvent refuses a message that is not a JSON object before it checks the header. */
  objectsOnly: boolean;
}

const TARGETS: Target[] = [
  { name: 'the envelope header', cls: EnvelopeHeader, seeds: VALID_ENVELOPE_HEADERS, prefix: '', objectsOnly: true },
  ...Object.values(TOPIC_REGISTRY).map((definition) => ({
    name: definition.topic,
    cls: definition.payloadClass as new () => object,
    seeds: VALID_PAYLOADS[definition.topic],
    prefix: 'payload',
    objectsOnly: false,
  })),
];

describe('compiled validators judge as class-validator does', () => {
  it('has valid samples for every topic of the topic map', () => {
    const withoutSamples = Object.values(TOPIC_REGISTRY)
      .filter((definition) => (VALID_PAYLOADS[definition.topic]?.length ?? 0) === 0)
      .map((definition) => definition.topic);
    expect(withoutSamples).toEqual([]);
  });

  describe.each(TARGETS)('$name', ({ cls, seeds, prefix, objectsOnly }) => {
    const compiled = compileContractValidator(cls);

    it('accepts every valid sample, with the same whitelisted output', () => {
      for (const seed of seeds) {
        const reference = classValidatorVerdict(cls, JSON.parse(JSON.stringify(seed)), prefix);
        expect(reference).toEqual({ valid: true, value: expect.anything() });
        expectSameVerdict(reference, compiled(JSON.parse(JSON.stringify(seed)), prefix), seed);
      }
    });

    it('mutates samples into both passing and failing inputs, failing on many different fields', () => {
      const verdicts = fc
        .sample(fc.tuple(fc.nat(), fc.array(step, { minLength: 1, maxLength: 4 })), { numRuns: 300, seed: 42 })
        .map(([seedIndex, steps]) => classValidatorVerdict(cls, mutate(seeds[seedIndex % seeds.length] as object, steps), prefix));
      const failingFields = new Set(verdicts.flatMap((verdict) => ('problems' in verdict ? verdict.problems.map((p) => p.field) : [])));
      expect(verdicts.filter((verdict) => 'valid' in verdict && verdict.valid).length).toBeGreaterThan(5);
      expect(verdicts.filter((verdict) => 'valid' in verdict && !verdict.valid).length).toBeGreaterThan(90);
      expect(failingFields.size).toBeGreaterThan(4);
    });

    it('gives the same verdict, problems and output on mutated messages as they arrive from Kafka (JSON)', () => {
      fc.assert(
        fc.property(fc.nat(), fc.array(step, { minLength: 1, maxLength: 4 }), (seedIndex, steps) => {
          const mutated = mutate(seeds[seedIndex % seeds.length] as object, steps);
          if (mutated === undefined || (objectsOnly && !isJsonObject(mutated))) return;
          const text = JSON.stringify(mutated);
          expectSameVerdict(classValidatorVerdict(cls, JSON.parse(text), prefix), compiled(JSON.parse(text), prefix), mutated);
        }),
        { numRuns: RUNS },
      );
    });

    it('gives the same verdict and problems on mutated payloads as producers publish them (undefined fields, NaN, -0)', () => {
      fc.assert(
        fc.property(fc.nat(), fc.array(step, { minLength: 1, maxLength: 4 }), (seedIndex, steps) => {
          const mutated = mutate(seeds[seedIndex % seeds.length] as object, steps);
          // A null or undefined payload made plainToInstance + validateSync throw a TypeError; see the compiler's spec.
          if (mutated === null || mutated === undefined || (objectsOnly && !isJsonObject(mutated))) return;
          expectSameVerdict(classValidatorVerdict(cls, mutated, prefix), compiled(mutated, prefix), mutated);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
