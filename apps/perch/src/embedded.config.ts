import { resolve } from 'node:path';

import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DEFAULT_OUTBOUND_BRAND_CONCURRENCY, MAX_OUTBOUND_BRAND_CONCURRENCY } from '@perch/outbound';
import { LoggingEnv, type LogLevel } from '@perch/platform';
import { withRouterPolicyEnv } from '@perch/routing';

/** The embedded mode's few knobs; everything else is in memory and needs no configuration. */
export class EmbeddedConfig extends withRouterPolicyEnv(LoggingEnv) {
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

  /**
   * The local SMTP catcher agents' emails go to (127.0.0.1 only; kept in PERCH_DATA_DIR/mailbox, never delivered).
   * Default 0: any free port (printed at start-up); set it to point a mail client at the catcher.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PERCH_SMTP_PORT = 0;

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

  /** Supervisors' service level: accepted within this long of its creation counts as answered in time. Default 60 s. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(24 * 3600 * 1000)
  SUPERVISOR_SERVICE_LEVEL_MS = 60_000;

  /**
   * Calls to X at once per brand account, as the distributed gateway's setting of the same name: one brand's replies
   * go out in parallel, ordered per conversation (ADR 26). Default 32.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_OUTBOUND_BRAND_CONCURRENCY)
  OUTBOUND_BRAND_CONCURRENCY = DEFAULT_OUTBOUND_BRAND_CONCURRENCY;

  /** The agent desktop SPA as `npm run build` leaves it (Vite's output, dist/apps/agent-desktop/www). */
  @IsString()
  GATEWAY_DESKTOP_DIR = resolve(__dirname, '../../agent-desktop/www');

  /**
   * What the embedded mode keeps across restarts (the agents' token secret, created 0600 on first start); created
   * 0700 if missing. Relative paths are from the working directory. Default: `.perch-data` at the repository root.
   */
  @IsString()
  @Matches(/^[^\0]+$/, { message: 'PERCH_DATA_DIR must be a folder path' })
  PERCH_DATA_DIR = resolve(__dirname, '../../../../.perch-data');
}
