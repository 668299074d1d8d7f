import { ParseUUIDPipe, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, ValidationFailedError } from '@perch/platform';

/**
 * Request bodies are validated against their DTO classes; unknown properties are refused. The error
 * names every bad field (the exception filter turns it into a 400).
 */
export function createGatewayValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const problems = flattenValidationErrors(errors);
      return new ValidationFailedError(
        `The request is invalid: ${problems.map((p) => `${p.field} (${p.messages.join('; ')})`).join(', ')}`,
        problems,
      );
    },
  });
}

/** Route ids are UUIDs; anything else is a 400 naming the parameter, not a 404 or a 500. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new ValidationFailedError(`The request is invalid: ${name} (must be a UUID)`, [{ field: name, messages: [`${name} must be a UUID`] }]),
  });
}
