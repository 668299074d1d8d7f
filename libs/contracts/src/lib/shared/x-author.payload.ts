import { IsBoolean, IsInt, IsNumberString, IsOptional, IsString, IsUrl, Length, Min } from 'class-validator';

/** The customer as X described them when the message arrived. */
export class XAuthor {
  @IsNumberString({ no_symbols: true })
  @Length(1, 19)
  id!: string;

  @IsString()
  @Length(1, 50)
  username!: string;

  @IsString()
  @Length(0, 100)
  name!: string;

  @IsInt()
  @Min(0)
  followersCount!: number;

  @IsInt()
  @Min(0)
  followingCount!: number;

  @IsInt()
  @Min(0)
  tweetCount!: number;

  @IsUrl({ require_tld: false })
  profileUrl!: string;

  /** Whether the author follows the brand account (decides DM eligibility), when known. */
  @IsOptional()
  @IsBoolean()
  followsBrand?: boolean;
}
