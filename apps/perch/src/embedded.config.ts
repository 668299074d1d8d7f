import { resolve } from 'node:path';

import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { LoggingEnv, type LogLevel } from '@perch/platform';

/** The embedded mode's few knobs; everything else is in memory and needs no configuration. */
export class EmbeddedConfig extends LoggingEnv {
  /** The embedded mode prints a banner for people; logs stay at warn unless asked for. */
  override LOG_LEVEL: LogLevel = 'warn';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  X_SIM_PORT = 4010;

  /** The operators' listener (/health, /metrics, /api/docs), also on 127.0.0.1; default PORT + 1000 (0: any free port). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  INTERNAL_PORT?: number;

  /** Simulated customer tweets a second at @acme_support; 0 turns the generator off. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(10_000)
  PERCH_DEMO_RATE = 0.2;

  /** Of the simulated traffic, the share that arrives as direct messages rather than tweets. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  PERCH_DEMO_DM_SHARE = 0.15;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  ROUTER_OFFER_TIMEOUT_MS = 30_000;

  /** After-interaction work: a completion keeps a ready agent in wrap-up (no offers) this long; 0 = none. Default 30 s. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60 * 60 * 1000)
  ROUTER_WRAP_UP_MS = 30_000;

  /** Supervisors' service level: accepted within this long of its creation counts as answered in time. Default 60 s. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(24 * 3600 * 1000)
  SUPERVISOR_SERVICE_LEVEL_MS = 60_000;

  @IsString()
  GATEWAY_DESKTOP_DIR = resolve(__dirname, '../../../../apps/agent-desktop/src/public');

  /**
   * What the embedded mode keeps across restarts (the agents' token secret, created 0600 on first start); created
   * 0700 if missing. Relative paths are from the working directory. Default: `.perch-data` at the repository root.
   */
  @IsString()
  @Matches(/^[^\0]+$/, { message: 'PERCH_DATA_DIR must be a folder path' })
  PERCH_DATA_DIR = resolve(__dirname, '../../../../.perch-data');
}
