/**
 * A contract class uses a decorator (or an option of one) that the compiled validators do not reproduce. Thrown when
 * @perch/contracts loads, so an unsupported decorator fails every test at once instead of validating differently on
 * the Kafka path than class-validator does on the REST edges.
 */
export class UnsupportedContractDecoratorError extends Error {
  constructor(
    readonly className: string,
    readonly propertyName: string,
    readonly decorator: string,
    detail: string,
  ) {
    super(
      `cannot compile a validator for ${className}.${propertyName}: ${decorator} ${detail}. ` +
        'Teach libs/contracts/src/lib/compiled/constraint-checks.util.ts this check (and its equivalence spec will prove it), ' +
        'or express the rule with a supported decorator.',
    );
    this.name = 'UnsupportedContractDecoratorError';
  }
}
