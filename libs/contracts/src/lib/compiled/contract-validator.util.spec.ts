// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Length, Min, Validate, ValidateNested, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

import { EnvelopeHeader } from '../envelope/event-envelope.types';
import { InboundReceivedPayload } from '../inbound-received/inbound-received.payload';
import { TOPIC_REGISTRY } from '../topic-map.types';
import { VALID_PAYLOADS } from '../testing/contract-samples.fixtures';
import { Topics } from '../topics.constants';
import { compileContractValidator } from './contract-validator.util';
import { UnsupportedContractDecoratorError } from './contract-validator.errors';

class WithEmail {
  @IsString()
  name!: string;

  @IsEmail()
  email!: string;
}

class Inner {
  @IsInt()
  @Min(0)
  count!: number;
}

class NestedWithoutType {
  @ValidateNested()
  inner!: Inner;
}

@ValidatorConstraint({ name: 'slowCheck', async: true })
class SlowCheck implements ValidatorConstraintInterface {
  validate(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

class WithAsyncCheck {
  @Validate(SlowCheck)
  value!: string;
}

class Outer {
  @IsString()
  @Length(1, 5)
  label!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

describe('compileContractValidator', () => {
  it('compiles a validator for the envelope header and every payload of the topic map', () => {
    expect(() => compileContractValidator(EnvelopeHeader)).not.toThrow();
    for (const definition of Object.values(TOPIC_REGISTRY)) {
      expect(() => compileContractValidator(definition.payloadClass as new () => object)).not.toThrow();
    }
  });

  it('refuses a class using a decorator it does not know, naming the class, the property and the decorator', () => {
    expect(() => compileContractValidator(WithEmail)).toThrow(UnsupportedContractDecoratorError);
    expect(() => compileContractValidator(WithEmail)).toThrow(/WithEmail\.email: @isEmail/);
  });

  it('refuses a nested object without @Type, which class-validator would refuse whatever it holds', () => {
    expect(() => compileContractValidator(NestedWithoutType)).toThrow(/NestedWithoutType\.inner: @ValidateNested has no @Type/);
  });

  it('refuses an asynchronous custom check, which the synchronous codec cannot wait for', () => {
    expect(() => compileContractValidator(WithAsyncCheck)).toThrow(/WithAsyncCheck\.value: slowCheck is asynchronous/);
  });

  it('returns a plain object without the fields the class does not declare, at every depth', () => {
    const validate = compileContractValidator(Outer);
    const input = { label: 'ok', extra: 1, inner: { count: 2, secret: 'x' } };
    const result = validate(input);
    expect(result).toEqual({ valid: true, value: { label: 'ok', inner: { count: 2 } } });
    const value = (result as { value: object }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(input).toEqual({ label: 'ok', extra: 1, inner: { count: 2, secret: 'x' } });
  });

  it('names every problem with its path under the given prefix, in class-validator words', () => {
    const result = compileContractValidator(Outer)({ label: '', inner: { count: -1 } }, 'payload');
    expect(result).toEqual({
      valid: false,
      problems: [
        { field: 'payload.label', messages: ['label must be longer than or equal to 1 characters'] },
        { field: 'payload.inner.count', messages: ['count must not be less than 0'] },
      ],
    });
  });

  it('reports a payload that is not an object as an unknown value, where class-validator threw a TypeError on null', () => {
    const validate = compileContractValidator(Outer);
    for (const input of [null, undefined, 'text', 3, []]) {
      expect(validate(input, 'payload')).toEqual({
        valid: false,
        problems: [{ field: 'payload.undefined', messages: ['an unknown value was passed to the validate function'] }],
      });
    }
  });

  it('decodes a nested author as a plain object, as consumers read it', () => {
    const [sample] = VALID_PAYLOADS[Topics.InboundReceived];
    const result = compileContractValidator(InboundReceivedPayload)(JSON.parse(JSON.stringify(sample)));
    expect(result.valid).toBe(true);
    const value = (result as { value: InboundReceivedPayload }).value;
    expect(value).not.toBeInstanceOf(InboundReceivedPayload);
    expect(Object.getPrototypeOf(value.author)).toBe(Object.prototype);
    expect(value.author.username).toBe('catperson');
  });
});
