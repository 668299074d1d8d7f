// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import { IsInt, Min, ValidateNested } from 'class-validator';

import { Classification } from '../shared/classification.payload';
import { InboundMessage } from '../shared/inbound-message.payload';

/** x.inbound.classified.v1: the message and what the classifier made of it. */
export class InboundClassifiedPayload {
  @ValidateNested()
  @Type(() => InboundMessage)
  message!: InboundMessage;

  @ValidateNested()
  @Type(() => Classification)
  classification!: Classification;

  @IsInt()
  @Min(0)
  classifiedAt!: number;
}

export function inboundClassifiedKey(payload: InboundClassifiedPayload): string {
  return payload.message.conversationKey;
}
