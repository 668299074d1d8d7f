// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsNumberString,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  type ValidationArguments,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import {
  ACTIONABILITIES,
  type Actionability,
  DECLARED_ACTIONABILITIES,
  DECLARED_SENTIMENTS,
  type DeclaredActionability,
  type DeclaredSentiment,
  SENTIMENTS,
  type Sentiment,
} from '../shared/labels.constants';

/** What the model said about the message, as the agent saw it. */
export class OriginalLabels {
  @IsIn(SENTIMENTS)
  sentiment!: Sentiment;

  @IsNumber()
  @Min(0)
  @Max(1)
  sentimentScore!: number;

  @IsIn(ACTIONABILITIES)
  actionability!: Actionability;

  @IsNumber()
  @Min(0)
  @Max(1)
  actionabilityScore!: number;

  /** Which model decided, e.g. "lexicon-baseline@1". */
  @IsString()
  @Length(1, 80)
  model!: string;
}

/** The labels the agent gave: one or both, and never 'undeclared' (a person picks a real label). */
export class CorrectedLabels {
  // Validated when present, and required when actionability is absent: a correction corrects something.
  @ValidateIf((o: CorrectedLabels) => o.sentiment !== undefined || o.actionability === undefined)
  @IsIn(DECLARED_SENTIMENTS, {
    message: (args: ValidationArguments) =>
      args.value === undefined
        ? 'a correction needs a sentiment, an actionability or both'
        : `sentiment must be one of: ${DECLARED_SENTIMENTS.join(', ')}`,
  })
  sentiment?: DeclaredSentiment;

  @IsOptional()
  @IsIn(DECLARED_ACTIONABILITIES, { message: `actionability must be one of: ${DECLARED_ACTIONABILITIES.join(', ')}` })
  actionability?: DeclaredActionability;
}

/**
 * classification.corrected.v1: an agent's correction of the labels of one customer message. Self-contained
 * (the message text, the model's labels and the agent's), so each event is a training example on its own.
 */
export class ClassificationCorrectedPayload {
  @IsUUID()
  correctionId!: string;

  @IsUUID()
  interactionId!: string;

  /** The customer message whose labels are corrected (the tweet id or DM event id). */
  @IsNumberString({ no_symbols: true })
  @Length(1, 19)
  messageId!: string;

  @IsNumberString({ no_symbols: true })
  brandAccountId!: string;

  @IsString()
  @Length(1, 64)
  agentId!: string;

  /** The message text as the model classified it. */
  @IsString()
  @Length(0, 10000)
  text!: string;

  // ValidateNested alone lets an absent object through.
  @IsObject()
  @ValidateNested()
  @Type(() => OriginalLabels)
  original!: OriginalLabels;

  @IsObject()
  @ValidateNested()
  @Type(() => CorrectedLabels)
  corrected!: CorrectedLabels;

  /** Why, in the agent's words (e.g. "sarcasm"). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;

  /** When the agent corrected it, ms since epoch. */
  @IsInt()
  @Min(0)
  correctedAt!: number;
}

export function classificationCorrectedKey(payload: ClassificationCorrectedPayload): string {
  return payload.interactionId;
}
