import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
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
}
