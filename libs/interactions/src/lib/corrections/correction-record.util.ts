import { type ClassificationCorrectedPayload } from '@perch/contracts';

import { type CorrectionRecord } from './correction-store.port';

/** The record kept for a classification.corrected.v1 event: its payload's fields, and nothing else. */
export function correctionRecordFromEvent(payload: ClassificationCorrectedPayload): CorrectionRecord {
  const { original, corrected } = payload;
  return {
    correctionId: payload.correctionId,
    interactionId: payload.interactionId,
    messageId: payload.messageId,
    brandAccountId: payload.brandAccountId,
    agentId: payload.agentId,
    text: payload.text,
    original: {
      sentiment: original.sentiment,
      sentimentScore: original.sentimentScore,
      actionability: original.actionability,
      actionabilityScore: original.actionabilityScore,
      model: original.model,
    },
    corrected: {
      ...(corrected.sentiment === undefined ? {} : { sentiment: corrected.sentiment }),
      ...(corrected.actionability === undefined ? {} : { actionability: corrected.actionability }),
    },
    ...(payload.note === undefined ? {} : { note: payload.note }),
    correctedAt: payload.correctedAt,
  };
}
