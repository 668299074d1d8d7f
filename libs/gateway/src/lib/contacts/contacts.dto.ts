import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTACT_LIMITS, MAX_CONTACT_PAGE } from '@perch/contacts';
import { ArrayMaxSize, IsArray, IsEmail, IsInt, IsNumberString, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min } from 'class-validator';

import { PageCursor, PageLimit } from '../http/page-query.decorator';
import { MAX_HISTORY_PAGE } from './contacts-gateway.constants';

// Requests are validated here (400 naming the fields); @perch/contacts checks the same rules again, whoever calls it.

const PHONE = /^(?=(?:\D*\d){3,20}\D*$)\+?[0-9 ().-]{3,32}$/;
const PHONE_MESSAGE = 'each phone must be a number: digits, spaces, ( ) . - and a leading +';
const HANDLE = /^@?[A-Za-z0-9_]{1,15}$/;

export class ContactSearchQueryDto {
  @ApiPropertyOptional({ description: 'Part of the name, an email, the digits of a phone, or the X handle (case-insensitive); empty: all' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @PageLimit(MAX_CONTACT_PAGE, 20)
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class HistoryQueryDto {
  @PageLimit(MAX_HISTORY_PAGE, 20)
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class MailboxQueryDto {
  @PageLimit(200, 50)
  limit?: number;
}

/** The other channels of a contact: what a new contact and a change share. */
class ContactChannelsDto {
  @ApiPropertyOptional({ type: [String], maxItems: CONTACT_LIMITS.emails, example: ['dana@example.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTACT_LIMITS.emails)
  @IsEmail({}, { each: true, message: 'each email must be an email address' })
  @MaxLength(CONTACT_LIMITS.email, { each: true })
  emails?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: CONTACT_LIMITS.phones, example: ['+33 6 12 34 56 78'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTACT_LIMITS.phones)
  @IsString({ each: true })
  @Matches(PHONE, { each: true, message: PHONE_MESSAGE })
  phones?: string[];

  @ApiPropertyOptional({ maxLength: CONTACT_LIMITS.notes })
  @IsOptional()
  @IsString()
  @MaxLength(CONTACT_LIMITS.notes)
  notes?: string;
}

export class CreateContactDto extends ContactChannelsDto {
  @ApiProperty({ minLength: 1, maxLength: CONTACT_LIMITS.name, example: 'Dana Flies' })
  @IsString()
  @Length(1, CONTACT_LIMITS.name)
  name!: string;

  @ApiPropertyOptional({ description: 'X username, with or without @', example: 'dana_flies' })
  @IsOptional()
  @Matches(HANDLE, { message: 'xHandle must be an X username: 1..15 letters, digits or _' })
  xHandle?: string;

  @ApiPropertyOptional({ description: "X's numeric user id", example: '42' })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  @Length(1, 19)
  xUserId?: string;
}

/** A change: absent fields stay, lists replace the whole list, null clears the X identity. */
export class UpdateContactDto extends ContactChannelsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: CONTACT_LIMITS.name })
  @IsOptional()
  @IsString()
  @Length(1, CONTACT_LIMITS.name)
  name?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptional()
  @Matches(HANDLE, { message: 'xHandle must be an X username: 1..15 letters, digits or _' })
  xHandle?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  @Length(1, 19)
  xUserId?: string | null;

  @ApiPropertyOptional({ description: 'The version you read: 409 contact-changed if someone changed it since' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** "Save this customer": the X identity comes from the interaction's author. */
export class SaveCustomerDto extends ContactChannelsDto {
  @ApiPropertyOptional({ description: "Default: the author's X display name" })
  @IsOptional()
  @IsString()
  @Length(1, CONTACT_LIMITS.name)
  name?: string;
}

export class EmailDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Your order #1234' })
  @IsString()
  @Length(1, 200)
  subject!: string;

  @ApiProperty({ minLength: 1, maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  text!: string;

  @ApiPropertyOptional({ description: "One of the contact's addresses; default its first" })
  @IsOptional()
  @IsEmail({}, { message: 'to must be an email address' })
  to?: string;

  @ApiProperty({ format: 'uuid', description: 'New per email, the same on a retry of it: a retried POST never sends twice' })
  @IsUUID()
  idempotencyKey!: string;
}

export class CallDto {
  @ApiPropertyOptional({ description: "One of the contact's numbers; default its first" })
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'phone must be a number: digits, spaces, ( ) . - and a leading +' })
  phone?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @ApiProperty({ format: 'uuid', description: 'New per call, the same on a retry of it: a retried POST never publishes twice' })
  @IsUUID()
  idempotencyKey!: string;
}

// Answers, for the OpenAPI document (the handlers return @perch/contacts' and the services' types).

export class ContactDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) emails!: string[];
  @ApiProperty({ type: [String], description: 'Digits with an optional leading +' }) phones!: string[];
  @ApiProperty({ nullable: true, type: String }) xHandle!: string | null;
  @ApiProperty({ nullable: true, type: String }) xUserId!: string | null;
  @ApiProperty() notes!: string;
  @ApiProperty({ description: 'ms since epoch' }) createdAt!: number;
  @ApiProperty({ description: 'ms since epoch' }) updatedAt!: number;
  @ApiProperty() createdBy!: string;
  @ApiProperty() updatedBy!: string;
  @ApiProperty() version!: number;
}

export class ContactPageDto {
  @ApiProperty({ type: [ContactDto] }) items!: ContactDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

class XAuthorDto {
  @ApiProperty() xUserId!: string;
  @ApiProperty() xHandle!: string;
  @ApiProperty() name!: string;
}

export class InteractionContactDto {
  @ApiProperty({ type: ContactDto, nullable: true }) contact!: ContactDto | null;
  @ApiProperty({ type: XAuthorDto }) author!: XAuthorDto;
}

export class EmailSentDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ type: Object, description: "The transcript entry (kind 'email')" }) entry!: object;
  @ApiProperty({ description: 'true: a retry of an email already sent (nothing sent again)' }) replayed!: boolean;
}

export class CallRequestedDto {
  @ApiProperty({ format: 'uuid' }) callRequestId!: string;
  @ApiProperty({ type: Object, description: "The transcript entry (kind 'call-request')" }) entry!: object;
  @ApiProperty({ description: 'true: a retry of a call already requested (nothing published again)' }) replayed!: boolean;
}

export class InteractionSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() brandAccountId!: string;
  @ApiProperty({ nullable: true, type: String }) brandUsername!: string | null;
  @ApiProperty({ enum: ['public', 'dm'] }) channel!: string;
  @ApiProperty({ nullable: true, enum: ['mention', 'reply', 'quote', 'dm'] }) kind!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The first message's text" }) text!: string | null;
  @ApiProperty() state!: string;
  @ApiProperty({ nullable: true, type: String }) agentId!: string | null;
  @ApiProperty({ type: [String], description: 'Agents who held it or acted in it' }) handledBy!: string[];
  @ApiProperty({ type: Object, nullable: true, description: '{agentId, at, disposition?, note?}' }) completion!: object | null;
  @ApiProperty({ type: Object, nullable: true }) classification!: object | null;
  @ApiProperty() createdAt!: number;
  @ApiProperty() updatedAt!: number;
  @ApiProperty({ type: [Object], description: '{kind, at, text?, agentId?, status?} per transcript entry' }) entries!: object[];
}

export class HistoryPageDto {
  @ApiProperty({ type: [InteractionSummaryDto] }) items!: InteractionSummaryDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class InteractionHistoryDto extends HistoryPageDto {
  @ApiProperty({ type: Object, description: '{xUserId, xHandle}: whose history it is' }) customer!: { xUserId: string; xHandle: string };
}

export class MailboxDto {
  @ApiProperty({ description: 'The folder the caught mails are kept in (.eml and .json per mail)' }) location!: string;
  @ApiProperty({ type: [Object], description: 'Most recent first: {id, receivedAt, envelopeFrom, envelopeTo, from, to, subject, text, messageId, perchHeaders, emlFile}' })
  items!: object[];
}
