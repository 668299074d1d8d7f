// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, type ValidationArguments, ValidationTypes } from 'class-validator';

import type { ContractProblem } from '../codec.util';
import { type ConstraintTest, constraintTest } from './constraint-checks.util';
import { UnsupportedContractDecoratorError } from './contract-validator.errors';

// @Type's targets live only in class-transformer's storage module, which ships no typings of its own path.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage };

type ValidatorStorage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<ValidatorStorage['getTargetValidationMetadatas']>[number];
type ConstraintMetadata = ReturnType<ValidatorStorage['getTargetValidatorConstraints']>[number];

/** The verdict of a compiled validator: the whitelisted plain copy, or every problem as the codec reports them. */
export type CompiledValidation<T> = { valid: true; value: T } | { valid: false; problems: ContractProblem[] };

/**
 * Validates a value against a contract class as `validateSync(plainToInstance(cls, value), { whitelist: true,
 * forbidUnknownValues: true })` does, without building instances: same verdict, same problems (fields prefixed with
 * `path`, messages as class-validator words them) and, when valid, a plain object holding only the decorated fields.
 */
export type CompiledValidator<T> = (input: unknown, path?: string) => CompiledValidation<T>;

/** A class as the metadata storages key it (constructors of any arity). */
type ContractClass = abstract new (...args: never[]) => unknown;

type ObjectCheck = (input: object, path: string, problems: ContractProblem[]) => Record<string, unknown>;

interface ConstraintPlan {
  metadata: ValidationMetadata;
  constraint: ConstraintMetadata;
  test: ConstraintTest;
  each: boolean;
}

interface NestedPlan {
  metadata: ValidationMetadata;
  check: ObjectCheck;
}

interface PropertyPlan {
  name: string;
  /** IsOptional: null and undefined skip the property's checks. */
  optional: boolean;
  /** ValidateIf conditions, all of which must hold for the checks to run. */
  conditions: ((object: object, value: unknown) => boolean)[];
  constraints: ConstraintPlan[];
  nested: NestedPlan | undefined;
}

const UNKNOWN_VALUE = 'an unknown value was passed to the validate function';

const compiled = new Map<ContractClass, ObjectCheck>();

/** Compiles (once per class) the validator of a contract class; throws UnsupportedContractDecoratorError on what it cannot reproduce. */
export function compileContractValidator<T extends object>(cls: new () => T): CompiledValidator<T> {
  const check = objectCheckFor(cls);
  return (input, path = '') => {
    const problems: ContractProblem[] = [];
    let value: Record<string, unknown> | undefined;
    if (isValidatedAsObject(input)) value = check(input, path, problems);
    else problems.push(unknownValue(path));
    return problems.length === 0 ? { valid: true, value: value as T } : { valid: false, problems };
  };
}

function objectCheckFor(cls: ContractClass): ObjectCheck {
  const existing = compiled.get(cls);
  if (existing) return existing;
  // A forward reference first, so a class that nests itself (directly or not) compiles.
  let target: ObjectCheck | undefined;
  compiled.set(cls, (input, path, problems) => (target as ObjectCheck)(input, path, problems));
  try {
    target = buildObjectCheck(cls, planProperties(cls));
  } catch (error) {
    compiled.delete(cls);
    throw error;
  }
  compiled.set(cls, target);
  return target;
}

function planProperties(cls: ContractClass): PropertyPlan[] {
  const storage = getMetadataStorage();
  // The same lookup class-validator makes for `validateSync(instance)`: own metadata first, then inherited.
  const metadatas = storage.getTargetValidationMetadatas(cls, undefined as unknown as string, false, false, undefined);
  if (defaultMetadataStorage.getStrategy(cls) !== 'none' || defaultMetadataStorage.getExposedMetadatas(cls).length > 0) {
    throw new UnsupportedContractDecoratorError(cls.name, '*', '@Expose', 'renames or filters properties during plainToInstance');
  }
  if (defaultMetadataStorage.getExcludedMetadatas(cls).length > 0) {
    throw new UnsupportedContractDecoratorError(cls.name, '*', '@Exclude', 'filters properties during plainToInstance');
  }
  const grouped = storage.groupByPropertyName(metadatas);
  return Object.keys(grouped).map((name) => planProperty(cls, name, grouped[name] ?? []));
}

function planProperty(cls: ContractClass, name: string, metadatas: ValidationMetadata[]): PropertyPlan {
  const refuse = (decorator: string, detail: string): never => {
    throw new UnsupportedContractDecoratorError(cls.name, name, decorator, detail);
  };
  const plan: PropertyPlan = { name, optional: false, conditions: [], constraints: [], nested: undefined };
  if (name === '__proto__' || name === 'constructor' || hasAccessorOrMethod(cls, name)) {
    refuse('a property', 'that plainToInstance skips (a reserved name, a getter or a method of the class)');
  }
  if (defaultMetadataStorage.findTransformMetadatas(cls, name, TransformationType.PLAIN_TO_CLASS).length > 0) {
    refuse('@Transform', 'changes values during plainToInstance');
  }
  for (const metadata of metadatas) {
    const decorator = metadata.name ?? metadata.type;
    if ((metadata.groups?.length ?? 0) > 0 || metadata.always === true) refuse(decorator, 'uses validation groups or `always`');
    if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      if (metadata.name === 'isOptional') plan.optional = true;
      else plan.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
    } else if (metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
      for (const constraint of getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) refuse(constraint.name, 'is asynchronous');
        const test = constraintTest(constraint.name, metadata.constraints ?? [], constraint.instance, cls.name, name);
        if (!test) refuse(`@${constraint.name}`, 'is not a check the compiled validator knows');
        plan.constraints.push({ metadata, constraint, test: test as ConstraintTest, each: metadata.each === true });
      }
    } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
      if (plan.nested) refuse('@ValidateNested', 'appears twice');
      const type = defaultMetadataStorage.findTypeMetadata(cls, name);
      if (!type?.typeFunction) refuse('@ValidateNested', 'has no @Type(() => Class), so class-validator would refuse every object');
      if (type.options?.discriminator) refuse('@Type', 'uses a discriminator');
      const nestedClass = type.typeFunction() as ContractClass;
      if (typeof nestedClass !== 'function' || [String, Number, Boolean, Date, Object, Array].includes(nestedClass as never)) {
        refuse('@Type', `targets ${String((nestedClass as { name?: string })?.name ?? nestedClass)}, not a contract class`);
      }
      plan.nested = { metadata, check: objectCheckFor(nestedClass) };
    } else {
      refuse(`@${decorator}`, `(validation type ${metadata.type}) is not a check the compiled validator knows`);
    }
  }
  if (!plan.nested && defaultMetadataStorage.findTypeMetadata(cls, name)) {
    refuse('@Type', 'without @ValidateNested converts values the compiled validator would pass through unchanged');
  }
  return plan;
}

function hasAccessorOrMethod(cls: ContractClass, name: string): boolean {
  for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    if (Object.getOwnPropertyDescriptor(proto, name)) return true;
  }
  return false;
}

function buildObjectCheck(cls: ContractClass, plans: readonly PropertyPlan[]): ObjectCheck {
  const className = cls.name;
  return (input, path, problems) => {
    const out: Record<string, unknown> = {};
    for (const plan of plans) {
      const value = (input as Record<string, unknown>)[plan.name];
      const result = applies(plan, input, value) ? checkProperty(plan, className, input, value, path, problems) : value;
      if (result !== undefined) out[plan.name] = result;
    }
    return out;
  };
}

function applies(plan: PropertyPlan, input: object, value: unknown): boolean {
  if (plan.optional && (value === null || value === undefined)) return false;
  for (const condition of plan.conditions) if (!condition(input, value)) return false;
  return true;
}

function passes(constraint: ConstraintPlan, input: object, value: unknown): boolean {
  if (constraint.each && Array.isArray(value)) {
    for (const item of value) if (!constraint.test(item, input)) return false;
    return true;
  }
  return constraint.test(value, input);
}

/** Checks one property whose checks apply; returns what the output keeps for it. */
function checkProperty(
  plan: PropertyPlan,
  className: string,
  input: object,
  value: unknown,
  path: string,
  problems: ContractProblem[],
): unknown {
  let valid = true;
  for (const constraint of plan.constraints) {
    if (!passes(constraint, input, value)) {
      valid = false;
      break;
    }
  }
  const nested = plan.nested;
  const nestedKind = nested === undefined || value === undefined ? 'none' : nestedKindOf(value);
  if (valid && nestedKind !== 'primitive') {
    if (nestedKind === 'none') return value;
    return checkNested(nested as NestedPlan, value, fieldOf(path, plan.name), problems);
  }
  // The rare path: word the failures as class-validator does (one message per constraint name, in order).
  const messages: Record<string, string> = valid ? {} : failureMessages(plan, className, input, value);
  if (nestedKind === 'primitive') messages[ValidationTypes.NESTED_VALIDATION] = nestedMessage((nested as NestedPlan).metadata, value);
  const field = fieldOf(path, plan.name);
  problems.push({ field, messages: Object.values(messages) });
  return nestedKind === 'none' || nestedKind === 'primitive' ? value : checkNested(nested as NestedPlan, value, field, problems);
}

type NestedKind = 'none' | 'array' | 'object' | 'unknown' | 'primitive';

// What class-validator sees after plainToInstance with @Type: arrays stay arrays (of instances), objects become
// instances, a Date stays a Date and a function stays a function (neither has metadata: an unknown value).
function nestedKindOf(value: unknown): NestedKind {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'function') return 'unknown';
  if (typeof value === 'object' && value !== null) return value instanceof Date ? 'unknown' : 'object';
  return 'primitive';
}

function checkNested(nested: NestedPlan, value: unknown, field: string, problems: ContractProblem[]): unknown {
  const kind = nestedKindOf(value);
  if (kind === 'object') return nested.check(value as object, field, problems);
  if (kind === 'unknown') {
    problems.push(unknownValue(field));
    return value;
  }
  if (kind === 'primitive') return value;
  // An array where a nested object is declared: class-validator validates each item as that object.
  const items = value as unknown[];
  const out = new Array<unknown>(items.length);
  items.forEach((item, index) => {
    const itemField = `${field}.${index}`;
    const itemKind = item === undefined ? 'none' : nestedKindOf(item);
    if (itemKind === 'primitive') {
      problems.push({ field: itemField, messages: [nestedMessage(nested.metadata, item)] });
      out[index] = item;
    } else {
      out[index] = itemKind === 'none' ? item : checkNested(nested, item, itemField, problems);
    }
  });
  return out;
}

function fieldOf(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function unknownValue(path: string): ContractProblem {
  // class-validator's error for it has no property; the codec's flattening names it "undefined".
  return { field: path ? `${path}.undefined` : 'undefined', messages: [UNKNOWN_VALUE] };
}

function failureMessages(plan: PropertyPlan, className: string, input: object, value: unknown): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const constraint of plan.constraints) {
    if (passes(constraint, input, value)) continue;
    const { metadata } = constraint;
    const args: ValidationArguments = {
      targetName: className,
      property: metadata.propertyName,
      object: input,
      value,
      constraints: metadata.constraints,
    };
    let message: string | ((args: ValidationArguments) => string) = metadata.message || '';
    const defaultMessage = constraint.constraint.instance.defaultMessage;
    if (!metadata.message && defaultMessage instanceof Function) message = defaultMessage.call(constraint.constraint.instance, args);
    messages[constraint.constraint.name || metadata.type] = replaceMessageTokens(message, args);
  }
  return messages;
}

function nestedMessage(metadata: ValidationMetadata, value: unknown): string {
  const args: ValidationArguments = {
    targetName: (metadata.target as object).constructor.name,
    property: metadata.propertyName,
    object: metadata.target as object,
    value,
    constraints: metadata.constraints,
  };
  return replaceMessageTokens(metadata.message || '', args);
}

// class-validator's ValidationUtils.replaceMessageSpecialTokens (not exported from its entry point), token for token.
function replaceMessageTokens(message: string | ((args: ValidationArguments) => string), args: ValidationArguments): string {
  let text = message instanceof Function ? message(args) : message;
  if (text && Array.isArray(args.constraints)) {
    args.constraints.forEach((constraint: unknown, index) => {
      text = text.replace(new RegExp(`\\$constraint${index + 1}`, 'g'), constraintToString(constraint));
    });
  }
  const value: unknown = args.value;
  if (text && value !== undefined && value !== null && ['string', 'boolean', 'number'].includes(typeof value)) {
    text = text.replace(/\$value/g, String(value));
  }
  if (text) text = text.replace(/\$property/g, args.property);
  if (text) text = text.replace(/\$target/g, args.targetName);
  return text;
}

function constraintToString(constraint: unknown): string {
  if (Array.isArray(constraint)) return constraint.join(', ');
  if (typeof constraint === 'symbol') return `${constraint.description}`;
  return `${String(constraint)}`;
}

function isValidatedAsObject(input: unknown): input is object {
  return nestedKindOf(input) === 'object';
}
