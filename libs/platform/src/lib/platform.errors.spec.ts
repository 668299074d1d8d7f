import {
  ConflictError,
  DeferredError,
  DropError,
  NotFoundError,
  PerchError,
  PermanentError,
  RetryableError,
  ValidationFailedError,
} from './platform.errors';

/** A domain's codes, declared as every library declares its own (XErrorCode, AuthErrorCode…). */
const ShelfErrorCode = { Empty: 'shelf-empty', Full: 'shelf-full' } as const;
type ShelfErrorCode = (typeof ShelfErrorCode)[keyof typeof ShelfErrorCode];

type IsAny<T> = 0 extends 1 & T ? true : false;

describe(PerchError.name, () => {
  it("carries its domain's code, or the platform's default when its maker names none", () => {
    const full = new PermanentError<ShelfErrorCode>('The shelf is full', ShelfErrorCode.Full, { shelf: 3 });
    expect([full.code, full.details, full.name, full.kind, full.disposition]).toEqual(['shelf-full', { shelf: 3 }, 'PermanentError', 'permanent', 'dead-letter']);
    expect([new RetryableError('later'), new DeferredError('later', 5), new PermanentError('never'), new DropError('stale')].map((e) => e.code)).toEqual([
      'retryable',
      'deferred',
      'permanent',
      'drop',
    ]);
    expect([new ConflictError('no'), new NotFoundError('gone'), new ValidationFailedError('bad', [])].map((e) => e.code)).toEqual([
      'conflict',
      'not-found',
      'validation-failed',
    ]);
  });

  it('does not compile a misspelled code, nor a code of no declared domain', () => {
    // @ts-expect-error: 'shelf-ful' is not a ShelfErrorCode.
    const misspelled = new ConflictError<ShelfErrorCode>('The shelf is full', 'shelf-ful');
    // @ts-expect-error: a code must belong to a declared union, named as the type argument.
    const undeclared = new PermanentError('The shelf is full', 'shelf-full');
    // @ts-expect-error: ShelfErrorCode has no such member.
    const member: string = ShelfErrorCode.Ful;
    expect([misspelled.code, undeclared.code, member]).toEqual(['shelf-ful', 'shelf-full', undefined]);
  });

  it('reads as a string code, not any, once caught and narrowed with instanceof', () => {
    const caught: unknown = new RetryableError<ShelfErrorCode>('The shelf is empty', ShelfErrorCode.Empty);
    if (!(caught instanceof RetryableError)) throw new Error('expected a RetryableError');
    const notAny: IsAny<typeof caught.code> = false;
    expect([caught.code === ShelfErrorCode.Empty, notAny]).toEqual([true, false]);
  });
});
