import { type DynamicModule, Module } from '@nestjs/common';
import { createLogger, LOGGER_FACTORY, type LoggerFactory } from '@perch/platform';

/**
 * Provides LOGGER_FACTORY to every module of the app (global), for providers that inject it. Without this module
 * they use createLogger; a test registers its own factory to capture or silence their logs.
 */
@Module({})
export class LoggerModule {
  static register(factory: LoggerFactory = createLogger): DynamicModule {
    return { module: LoggerModule, global: true, providers: [{ provide: LOGGER_FACTORY, useValue: factory }], exports: [LOGGER_FACTORY] };
  }
}
