import { resolve } from 'node:path';

import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsString, Max, Min } from 'class-validator';

/** The embedded mode's few knobs; everything else is in memory and needs no configuration. */
export class EmbeddedConfig {
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

  @IsString()
  GATEWAY_DESKTOP_DIR = resolve(__dirname, '../../../../apps/agent-desktop/src/public');
}
