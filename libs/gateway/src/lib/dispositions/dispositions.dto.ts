import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';

const NOT_BLANK = /\S/;

export class DispositionCodeDto {
  @ApiProperty({ example: 'resolved' })
  code!: string;

  @ApiProperty({ example: 'Resolved' })
  label!: string;

  @ApiProperty({ description: 'No longer accepted on done; still shown for interactions closed with it' })
  retired!: boolean;
}

export class BrandDispositionsDto {
  @ApiProperty({ example: 'acme_support', description: "The brand's username, lower-case" })
  brand!: string;

  @ApiPropertyOptional({ example: '1710000000000000001', description: "The brand's X id (an interaction's brandAccountId)" })
  brandAccountId?: string;

  @ApiProperty({ description: 'Done requires a disposition for this brand' })
  required!: boolean;

  @ApiProperty({ type: [DispositionCodeDto] })
  codes!: DispositionCodeDto[];
}

export class DispositionQueryDto {
  @ApiPropertyOptional({ example: 'acme_support', description: 'Only this brand' })
  @IsOptional()
  @IsString()
  @Length(1, 15)
  brand?: string;
}

export class CreateDispositionCodeDto {
  @ApiProperty({ example: 'resolved', description: 'Lower-case letters, digits, dashes, underscores; 1-64; what interactions keep' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'code must be 1-64 lower-case letters, digits, dashes or underscores, starting with a letter or digit' })
  code!: string;

  @ApiProperty({ example: 'Resolved', description: 'What agents read; 1-100 characters' })
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'label must not be blank' })
  label!: string;
}

export class UpdateDispositionCodeDto {
  @ApiPropertyOptional({ example: 'Resolved on first contact', description: 'A new label (the code stays)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'label must not be blank' })
  label?: string;

  @ApiPropertyOptional({ description: 'true: no longer accepted on done; false: accepted again' })
  @IsOptional()
  @IsBoolean()
  retired?: boolean;
}

export class DispositionSettingsDto {
  @ApiProperty({ description: 'Done requires a disposition for this brand' })
  @IsBoolean()
  required!: boolean;
}
