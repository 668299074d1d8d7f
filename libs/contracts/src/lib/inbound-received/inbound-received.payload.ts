import { InboundMessage } from '../shared/inbound-message.payload';

/** x.inbound.received.v1: exactly the normalized message. */
export class InboundReceivedPayload extends InboundMessage {}

export function inboundReceivedKey(payload: InboundReceivedPayload): string {
  return payload.conversationKey;
}
