import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';

// The WebSocket protocol, desktop to server: first {type:'auth', token}, then {type:'ping'} or an offer decision.

export class WsOfferDecisionDto {
  @IsIn(['accept', 'decline'])
  type!: 'accept' | 'decline';

  @IsUUID()
  interactionId!: string;

  @IsUUID()
  offerId!: string;

  /** Echoed on the ack or error, so the desktop can match answers to requests. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  requestId?: string;
}

/** The first message on every socket: the bearer token from sign-in (never in the URL, which access logs keep). */
export class WsAuthDto {
  @IsIn(['auth'])
  type!: 'auth';

  @IsString()
  @Length(1, 4096)
  token!: string;
}
