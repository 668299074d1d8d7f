import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { IsStrongSecret } from '@perch/platform';
import { RedisEnv } from '@perch/service-kit';

/** The ingestor's environment; validated once at start-up. */
export class IngestorConfig extends RedisEnv {
  override HTTP_PORT = 3101;

  /** Where X lives; set it to the simulator (http://127.0.0.1:4010) for development. Unset: the real X. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  X_API_BASE_URL?: string;

  /** The app-only bearer token: the filtered stream and its rules. */
  @IsString()
  @MinLength(8)
  X_APP_BEARER!: string;

  /** Brand accounts Perch listens for: "username=userToken,…". */
  @Matches(/^@?\w{1,15}=\S+(,@?\w{1,15}=\S+)*$/, { message: 'X_BRAND_TOKENS must be username=token[,username=token…]' })
  X_BRAND_TOKENS!: string;

  /**
   * Pause between two reads of each brand's mentions timeline (fallback for the stream, backfill after
   * downtime). X allows one read per 3 s per brand; 0 turns polling off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  INGESTOR_MENTIONS_POLL_MS = 10_000;

  /**
   * The public https URL X calls with Account Activity events, ending in /webhooks/x (e.g.
   * https://perch.example.com/webhooks/x). When set, the ingestor registers it with X after it listens and
   * subscribes every brand; unset, the receiver still runs if X_CONSUMER_SECRET is set (registered by hand).
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'X_WEBHOOK_URL must be an http(s) URL' })
  X_WEBHOOK_URL?: string;

  /**
   * The X app's consumer secret: signs every webhook delivery and keys the CRC answer, so a known one lets anyone
   * inject DMs. Required with X_WEBHOOK_URL; defaults that shipped with Perch and low-entropy values are refused
   * (X's own are 50 random characters; against the simulator use a random one, e.g. `openssl rand -hex 32`).
   */
  @ValidateIf((config: IngestorConfig) => config.X_WEBHOOK_URL !== undefined || config.X_CONSUMER_SECRET !== undefined)
  @IsStrongSecret({
    whenMissing: 'is required when X_WEBHOOK_URL is set (X signs webhook deliveries and checks the CRC with it)',
  })
  X_CONSUMER_SECRET?: string;

  /**
   * Pause between two reads of each brand's DM events (fallback for lost webhook deliveries, backfill after
   * downtime). X allows 15 reads per 15 minutes per brand, so below 60 s reads wait for their window; 0 = off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  INGESTOR_DM_POLL_MS = 60_000;

  /**
   * How long the stream-and-polls lease lasts without renewal: a standby replica takes over within this
   * after the leader crashes (at once after a clean stop).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(300_000)
  INGESTOR_LEADER_TTL_MS = 15_000;

  /**
   * How long a message's dedupe claim lasts until it is marked published: a message whose ingestor crashed between
   * claim and publish is published by the next poll or redelivery after this. Keep it above a publish's duration.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(300_000)
  INGESTOR_CLAIM_TTL_MS = 30_000;
}
