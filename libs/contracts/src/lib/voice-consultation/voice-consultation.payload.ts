// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { IsInt, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';

/**
 * agent.voice-consultation.v1: an agent asks to talk to a colleague about an interaction. Perch has no telephony; a
 * voice system subscribes and places the call between the two agents. Never sent to X.
 */
export class VoiceConsultationPayload {
  @IsUUID()
  consultationId!: string;

  @IsUUID()
  interactionId!: string;

  /** The agent asking (the interaction's holder). */
  @IsString()
  @Length(1, 64)
  fromAgentId!: string;

  /** The colleague to call. */
  @IsString()
  @Length(1, 64)
  withAgentId!: string;

  /** What it is about, for the colleague's screen. */
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  topic?: string;

  /** When it was asked (ms since epoch). */
  @IsInt()
  @Min(0)
  requestedAt!: number;
}

export function voiceConsultationKey(payload: VoiceConsultationPayload): string {
  return payload.interactionId;
}
