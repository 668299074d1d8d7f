import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { type FieldProblem, ValidationFailedError } from './platform.errors';

/** Flattens class-validator's tree into "a.b.c: message" problems, one per field. */
export function flattenValidationErrors(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) problems.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) problems.push(...flattenValidationErrors(error.children, field));
  }
  return problems;
}

/**
 * plainToInstance + validateSync in one call, throwing ValidationFailedError naming every bad field.
 * Unknown properties are rejected so that a producer's typo cannot pass silently.
 */
export function validateInto<T extends object>(cls: ClassConstructor<T>, plain: unknown, what = cls.name): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new ValidationFailedError(`${what} must be a JSON object`, [{ field: '(root)', messages: ['must be an object'] }]);
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const problems = flattenValidationErrors(errors);
    throw new ValidationFailedError(
      `${what} is invalid: ${problems.map((p) => `${p.field} (${p.messages.join('; ')})`).join(', ')}`,
      problems,
    );
  }
  return instance;
}
