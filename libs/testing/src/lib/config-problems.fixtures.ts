import { type ClassConstructor } from 'class-transformer';

import { ConfigError, loadConfig } from '@perch/platform';

/** What loadConfig refuses in `env`: the ConfigError's message, naming every bad variable; '' when it loads. */
export function configProblems<T extends object>(config: ClassConstructor<T>, env: Record<string, string>): string {
  try {
    loadConfig(config, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}
