import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { RedisEnv } from '@perch/service-kit';

/** The router's environment; validated once at start-up. */
export class RouterConfig extends RedisEnv {
  override HTTP_PORT = 3103;

  /** Routing state of one tenant (a contact center); every router replica of it shares the same Redis keys. */
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'ROUTER_TENANT may hold letters, digits, dash and underscore' })
  ROUTER_TENANT = 'default';

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  ROUTER_OFFER_TIMEOUT_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60_000)
  ROUTER_SWEEP_INTERVAL_MS = 500;
}
