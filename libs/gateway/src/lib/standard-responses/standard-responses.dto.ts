import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';

import { PageLimit } from '../http/page-query.decorator';

const NOT_BLANK = /\S/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const BRAND = /^[A-Za-z0-9_]{1,15}$/;

export class StandardResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Refund delay' })
  title!: string;

  @ApiProperty({ example: 'Hi {{customer.name}}, your case {{case.number}} is with our refunds team. {{agent.name}}' })
  text!: string;

  @ApiProperty({ nullable: true, type: String, example: 'acme_support', description: "A brand's username (lower-case), or null for every brand" })
  brand!: string | null;

  @ApiProperty({ example: 'en' })
  language!: string;

  @ApiProperty({ example: 'billing' })
  category!: string;

  @ApiProperty({ type: [String], example: ['customer.name', 'case.number', 'agent.name'], description: 'The placeholders the text uses' })
  placeholders!: string[];

  @ApiProperty({ example: 'carol' })
  createdBy!: string;

  @ApiProperty({ description: 'ms since epoch' })
  createdAt!: number;

  @ApiProperty({ description: 'ms since epoch' })
  updatedAt!: number;
}

export class StandardResponseSearchDto {
  @ApiPropertyOptional({ example: 'refund delay', description: 'Words found (any case) in the title or the text; every word must be' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ example: 'acme_support', description: "Only this brand's responses (and those for every brand)" })
  @IsOptional()
  @Matches(BRAND, { message: 'brand must be a brand username' })
  brand?: string;

  @ApiPropertyOptional({ example: 'en' })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'language must be a language tag like en or pt-BR' })
  language?: string;

  @ApiPropertyOptional({ example: 'billing' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;

  @PageLimit(200, 50)
  limit?: number;
}

export class CreateStandardResponseDto {
  @ApiProperty({ example: 'Refund delay', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title!: string;

  @ApiProperty({
    example: 'Hi {{customer.name}}, your case {{case.number}} is with our refunds team. {{agent.name}}',
    maxLength: 10000,
    description: 'Placeholders: {{customer.name}}, {{customer.handle}}, {{agent.name}}, {{case.number}}; any other is refused',
  })
  @IsString()
  @Length(1, 10000)
  @Matches(NOT_BLANK, { message: 'text must not be blank' })
  text!: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'acme_support', description: 'A brand this gateway serves; null or absent: every brand' })
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @Matches(BRAND, { message: 'brand must be a brand username, or null for every brand' })
  brand?: string | null;

  @ApiProperty({ example: 'en', description: 'A language tag (en, pt-BR)' })
  @Matches(LANGUAGE, { message: 'language must be a language tag like en or pt-BR' })
  language!: string;

  @ApiProperty({ example: 'billing', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  @Matches(NOT_BLANK, { message: 'category must not be blank' })
  category!: string;
}

export class UpdateStandardResponseDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title?: string;

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @Length(1, 10000)
  @Matches(NOT_BLANK, { message: 'text must not be blank' })
  text?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null: every brand' })
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @Matches(BRAND, { message: 'brand must be a brand username, or null for every brand' })
  brand?: string | null;

  @ApiPropertyOptional({ example: 'pt-BR' })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'language must be a language tag like en or pt-BR' })
  language?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NOT_BLANK, { message: 'category must not be blank' })
  category?: string;
}

export class RenderStandardResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The interaction whose customer, agent and case fill the placeholders (one you hold, or are a guest of)' })
  @IsUUID()
  interactionId!: string;
}

export class RenderedStandardResponseDto {
  @ApiProperty({ example: 'Hi Maria, your case P-3F2A9C01 is with our refunds team. Alice' })
  text!: string;

  @ApiProperty({ example: { 'customer.name': 'Maria', 'case.number': 'P-3F2A9C01', 'agent.name': 'Alice' }, description: 'The value each placeholder got' })
  values!: Record<string, string>;
}
