import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { flattenValidationErrors } from './validation.util';

export class ConfigError extends Error {
  constructor(readonly problems: readonly { field: string; messages: string[] }[]) {
    super(
      `Invalid environment: ${problems
        .map((p) => `${p.field} (${p.messages.join('; ')})`)
        .join(', ')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates an app's environment once, at start-up, against a class-validator class whose
 * properties are the variable names. Throws one ConfigError naming every bad variable.
 * Values arrive as strings; use @Type(() => Number) / @Transform on the class for conversion.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: false });
  if (errors.length > 0) throw new ConfigError(flattenValidationErrors(errors));
  return instance;
}
