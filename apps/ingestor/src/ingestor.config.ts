import { IsOptional, IsString, IsUrl, Matches, MinLength } from 'class-validator';
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
}
