import { IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';

/** Every event carries these; the type makes them impossible to forget. */
export interface EventEnvelope<P> {
  /** Unique per event; consumers dedupe on it. */
  eventId: string;
  occurredAt: string;
  /** Born with the customer's tweet and carried to the agent's reply on X. */
  correlationId: string;
  /** The event that caused this one, when there is one. */
  causationId?: string;
  schemaVersion: number;
  /** The service that produced it, for tracing. */
  producer: string;
  payload: P;
}

/** The envelope's shape as validated at every consumer (the payload is validated by its own class). */
export class EnvelopeHeader {
  @IsUUID()
  eventId!: string;

  @IsISO8601()
  occurredAt!: string;

  @IsString()
  @Length(1, 128)
  correlationId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  causationId?: string;

  @IsInt()
  @Min(1)
  schemaVersion!: number;

  @IsString()
  @Length(1, 64)
  producer!: string;

  @IsObject()
  payload!: object;
}
