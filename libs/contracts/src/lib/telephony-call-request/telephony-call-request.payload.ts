// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { IsInt, IsNumberString, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';

/**
 * telephony.call-request.v1: an agent asks to call a customer (a contact's phone) about an interaction. Perch has no
 * telephony; a telephony system (a dialer, a CCaaS voice channel) subscribes, rings the agent and dials the number.
 * Never sent to X. `callRequestId` is also the event id: a request published twice is one call.
 */
export class TelephonyCallRequestPayload {
  @IsUUID()
  callRequestId!: string;

  @IsUUID()
  interactionId!: string;

  /** The contact called (@perch/contacts). */
  @IsUUID()
  contactId!: string;

  /** The agent to connect the call to (the interaction's holder). */
  @IsString()
  @Length(1, 64)
  agentId!: string;

  /** The brand the call is made for (its caller id is the telephony system's business). */
  @IsNumberString({ no_symbols: true })
  @Length(1, 19)
  brandAccountId!: string;

  /** The number to dial: digits with an optional leading + (E.164 when the contact's number has its country code). */
  @Matches(/^\+?[0-9]{3,20}$/, { message: 'phone must be digits with an optional leading +' })
  phone!: string;

  /** For the agent's and the dialer's screens. */
  @IsOptional()
  @IsString()
  @Length(0, 200)
  contactName?: string;

  /** Why the agent calls, for the call's record. */
  @IsOptional()
  @IsString()
  @Length(0, 500)
  reason?: string;

  /** When it was asked (ms since epoch). */
  @IsInt()
  @Min(0)
  requestedAt!: number;
}

export function telephonyCallRequestKey(payload: TelephonyCallRequestPayload): string {
  return payload.interactionId;
}
