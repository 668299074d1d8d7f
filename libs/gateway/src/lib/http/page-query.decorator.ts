import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** A page's optional `limit` query field: a whole number within [1, max]; `byDefault` is what the service takes without it. */
export function PageLimit(max: number, byDefault: number): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ minimum: 1, maximum: max, default: byDefault }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(max));
}

/** A page's optional `cursor` query field: a previous page's nextCursor, opaque, of at most `maxLength` characters. */
export function PageCursor(maxLength = 500): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ description: "A previous page's nextCursor" }), IsOptional(), IsString(), Length(1, maxLength));
}
