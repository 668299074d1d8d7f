import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

export class OfferDecisionDto {
  @ApiProperty({ format: 'uuid', description: 'The offer being answered, as pushed on the socket' })
  @IsUUID()
  offerId!: string;
}

export class ReplyDto {
  @ApiProperty({
    example: 'Sorry about that! We have rebooked you on the 18:40.',
    description: "The agent's text. The customer's @mention is put in front unless the text starts with it.",
  })
  @IsString()
  @MaxLength(10000)
  text!: string;

  @ApiPropertyOptional({ description: "Also mention the thread's other participants" })
  @IsOptional()
  @IsBoolean()
  replyAll?: boolean;
}

export class DoneDto {
  @ApiPropertyOptional({ example: 'rebooked', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(0, 64)
  disposition?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export class ReplyAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  commandId!: string;

  @ApiProperty({ description: 'The text as it will be posted, mentions included' })
  text!: string;

  @ApiProperty({ description: "Weighted length by X's rule (max 280)" })
  weightedLength!: number;

  @ApiProperty({ description: 'The tweet being replied to' })
  inReplyToTweetId!: string;
}
