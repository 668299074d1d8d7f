import { randomBytes } from 'node:crypto';

import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { LoggingEnv } from '@perch/platform';

/** Environment of the standalone simulator; validated once at start-up by loadConfig. */
export class XSimulatorConfig extends LoggingEnv {
  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  X_SIM_PORT = 4010;

  /** 0.0.0.0 to reach it from containers; loopback by default. */
  @IsString() @MinLength(1)
  X_SIM_HOST = '127.0.0.1';

  @IsString() @MinLength(8)
  X_SIM_APP_BEARER = 'perch-app-bearer';

  @Matches(/^[A-Za-z0-9_]{1,15}$/)
  X_SIM_BRAND = 'acme_support';

  @IsString() @MinLength(8)
  X_SIM_BRAND_TOKEN = 'acme-support-user-token';

  /** Tweets/s of demo traffic at the brand; unset or 0 = no generator. */
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(100_000)
  X_SIM_RATE?: number;

  @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  X_SIM_CUSTOMERS = 200;

  @IsIn(['realistic', 'generous', 'unlimited'])
  X_SIM_RATE_LIMITS: 'realistic' | 'generous' | 'unlimited' = 'realistic';

  @Type(() => Number) @IsInt() @Min(10)
  X_SIM_KEEPALIVE_MS = 20_000;

  /**
   * The app's consumer secret: keys webhook CRC answers and event signatures (the receiver must share it, so set
   * both). Random per run by default: a fixed default would be a public secret the ingestor trusts.
   */
  @IsString() @MinLength(8)
  X_SIM_CONSUMER_SECRET = randomBytes(32).toString('hex');

  /** Share of the demo traffic sent as customer DMs to the brand instead of tweets (0–1). */
  @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  X_SIM_DM_SHARE = 0;
}
